"""``osr audit verify``: check that the audit trail is whole and unaltered."""

import re

from django.core.management.base import BaseCommand, CommandError

from osr.core.auditchain import verify

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Check the audit trail."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "verify",
            help="Walk the audit chain and report every entry edited, inserted or deleted "
            "outside OSR (exit status 1 if any)",
        )
        check.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="A head printed by an earlier verify and kept outside OSR: "
            "fail if the chain no longer holds it (repeatable)",
        )

    def handle(self, *args, **options):
        anchors = {}
        for anchor in options["anchor"]:
            match = ANCHOR.match(anchor.strip().lower())
            if not match:
                raise CommandError(f"--anchor {anchor!r} is not SEQUENCE:HASH (a 64-digit hash)")
            anchors[int(match[1])] = match[2]
        report = verify(anchors=anchors)
        if report.intact:
            self.stdout.write(
                f"Audit trail intact: {report.entries} entries, "
                f"head {report.head_sequence}:{report.head_hash}"
            )
            return
        for problem in report.problems:
            self.stdout.write(problem)
        count = len(report.problems)
        raise CommandError(
            f"The audit trail was altered outside OSR: {count} problem{'s' * (count != 1)}"
        )
