"""``osr import backstage FILE...`` (or ``--url`` of a running Backstage) and
``osr import csv FILE``: bring a catalogue in.

Backstage descriptor files are applied unless ``--dry-run``; a spreadsheet is only
previewed unless ``--apply``. Either way an import is saved whole or not at all.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from osr.core.audit import AttributedCommand
from osr.graph import services
from osr.graph.importing import ImportResult

from ._common import acting_user


def _read(path: str) -> tuple[str, str]:
    try:
        return path, Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from error


class Command(AttributedCommand):
    help = "Import Backstage catalog descriptor files or the catalogue spreadsheet (CSV)."
    # A data command: the configuration is checked when OSR is served and deployed
    # (``osr check --deploy``); an import need not pay the system checks' 0.6 s each run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sources = parser.add_subparsers(dest="source", required=True, metavar="{backstage,csv}")
        backstage = sources.add_parser(
            "backstage", help="catalog-info.yaml files, or directories holding them"
        )
        backstage.add_argument("files", nargs="*", metavar="PATH")
        backstage.add_argument(
            "--url",
            help="a running Backstage's address: import what its catalogue API serves "
            "(the token, if it needs one, in OSR_BACKSTAGE_TOKEN)",
        )
        backstage.add_argument(
            "--strict",
            action="store_true",
            help="refuse kinds and fields OSR does not keep, instead of skipping them",
        )
        backstage.add_argument(
            "--dry-run", action="store_true", help="show the changes, save nothing"
        )
        backstage.add_argument("--by", help="the username the audit trail names")
        spreadsheet = sources.add_parser("csv", help="the catalogue spreadsheet")
        spreadsheet.add_argument("file", metavar="FILE")
        spreadsheet.add_argument("--apply", action="store_true", help="save the changes")
        spreadsheet.add_argument("--by", help="the username the audit trail names")

    def acting_user(self, options):
        return acting_user(options.get("by"))

    def handle(self, *args, **options):
        by = acting_user(options.get("by"))
        if options["source"] == "backstage" and options["url"]:
            if options["files"]:
                raise CommandError("Give files or --url, not both")
            result = services.import_backstage_api(
                options["url"],
                settings.OSR_BACKSTAGE_TOKEN or None,
                by=by,
                apply=not options["dry_run"],
                strict=options["strict"],
            )
        elif options["source"] == "backstage":
            if not options["files"]:
                raise CommandError("Give the files or directories to import, or --url")
            for path in options["files"]:
                if not Path(path).exists():
                    raise CommandError(f"Cannot read {path}: no such file or directory")
            result = services.import_backstage_paths(
                options["files"], by=by, apply=not options["dry_run"], strict=options["strict"]
            )
        else:
            _name, text = _read(options["file"])
            result = services.import_catalogue_csv(text, by=by, apply=options["apply"])
        self.report(result)

    def report(self, result: ImportResult) -> None:
        for change in result.changes:
            if change.action != "unchanged":
                self.stdout.write(str(change))
        counts = result.counts()
        if result.read:
            self.stdout.write(
                "Read: " + ", ".join(f"{count} {kind}" for kind, count in result.read.items())
            )
        for skipped in result.not_kept:
            self.stdout.write(f"Skipped {skipped}")
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problems_left_off:
                self.stderr.write(result.left_off_text())
            raise CommandError(
                f"Import failed with {result.problem_count:,} problems; nothing saved"
            )
        if result.applied:
            self.stdout.write(
                f"Imported: {counts['create']} created, {counts['update']} updated, "
                f"{counts['remove']} removed, {counts['unchanged']} unchanged"
            )
        else:
            self.stdout.write(
                f"Preview only, nothing saved: {counts['create']} to create, "
                f"{counts['update']} to update, {counts['remove']} to remove, "
                f"{counts['unchanged']} unchanged"
            )
