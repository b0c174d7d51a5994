"""``osr audit verify|anchor``: check the audit trail; record its head outside the database."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from osr.core import auditanchor
from osr.core.auditchain import verify

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Check the audit trail, or record its head outside the database."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "verify",
            help="Walk the audit chain and report every entry edited, inserted or deleted "
            "outside OSR, and a chain truncated or rewritten since the latest anchor "
            "(exit status 1 if any)",
        )
        chosen = check.add_mutually_exclusive_group()
        chosen.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="FILE|SEQUENCE:HASH",
            help="Check against the latest anchor in FILE, or a head (SEQUENCE:HASH) kept "
            "outside OSR, instead of OSR_AUDIT_ANCHOR_FILE (repeatable)",
        )
        chosen.add_argument(
            "--no-anchor",
            action="store_true",
            help="Check the chain on its own, against no anchor",
        )
        anchor = actions.add_parser(
            "anchor",
            help="Append the chain's head (sequence number, hash, time) to the anchor file "
            "and write it to the log",
        )
        anchor.add_argument(
            "--file", metavar="FILE", help="The anchor file (default: OSR_AUDIT_ANCHOR_FILE)"
        )

    def handle(self, *args, **options):
        if options["action"] == "anchor":
            path = Path(options["file"]) if options["file"] else auditanchor.anchor_file()
            anchor = auditanchor.record(path)
            self.stdout.write(f"Anchored the audit trail at {anchor} in {path}")
            return
        anchors, described = self.anchors(options)
        report = verify(anchors=anchors)
        if report.intact:
            self.stdout.write(
                f"Audit trail intact: {report.entries} entries, "
                f"head {report.head_sequence}:{report.head_hash}"
            )
            for line in described:
                self.stdout.write(line)
            return
        for problem in report.problems:
            self.stdout.write(problem)
        count = len(report.problems)
        raise CommandError(
            f"The audit trail was altered outside OSR: {count} problem{'s' * (count != 1)}"
        )

    def anchors(self, options) -> tuple[dict[int, str], list[str]]:
        """The anchors to check against, and a line saying where each came from."""
        if options["no_anchor"]:
            return {}, []
        anchors: dict[int, str] = {}
        described: list[str] = []
        given = options["anchor"]
        for text in given:
            match = ANCHOR.match(text.strip().lower())
            if match:
                anchors[int(match[1])] = match[2]
                continue
            if not re.search(r"[/\\.]", text) and ":" in text:
                raise CommandError(f"--anchor {text!r} is not SEQUENCE:HASH (a 64-digit hash)")
            self.from_file(Path(text), anchors, described, required=True)
        if not given:
            self.from_file(auditanchor.anchor_file(), anchors, described, required=False)
        return anchors, described

    def from_file(self, path: Path, anchors: dict, described: list, *, required: bool) -> None:
        try:
            found = auditanchor.latest(path)
        except auditanchor.AnchorFileError as error:
            raise CommandError(str(error)) from error
        if found is None:
            if required:
                raise CommandError(f"--anchor {path}: no such file, or it holds no anchor")
            self.stderr.write(
                f"No audit anchor recorded in {path} yet: a truncated or rewritten chain "
                "would not be noticed (run `osr audit anchor`)"
            )
            return
        anchors[found.sequence] = found.hash
        at = found.at.isoformat(timespec="seconds") if found.at else "an unknown time"
        described.append(f"It holds the anchor recorded at {at} in {path}: entry {found}")
