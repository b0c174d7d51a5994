"""``osr guide``: a service's operations guide in a file, or every live service's in a zip.

osr guide SLUG --format html|docx|pdf|md -o FILE [--number N | --current]
osr guide export-live -o FILE.zip [--format docx --format pdf ...]
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.catalogue.models import Service
from osr.core.refusals import NotFound
from osr.guides import services
from osr.guides.choices import Format
from osr.guides.export import write_zip
from osr.guides.rendering import render

EXPORT = "export-live"
DEFAULT_EXPORT_FORMATS: list[str] = [Format.DOCX.value, Format.PDF.value]


class Command(BaseCommand):
    help = (
        "Write a service's operations guide to a file (the latest version unless --number "
        f"or --current), or, with ‘{EXPORT}’, every live service's approved guide to one zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", metavar="SLUG", help=f"A service's slug, or {EXPORT}")
        parser.add_argument(
            "--format",
            action="append",
            choices=Format.values,
            help="The format (for a zip, repeat for several; docx and pdf unless given)",
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--number", type=int, metavar="N", help="Version N of the guide")
        which.add_argument(
            "--current",
            action="store_true",
            help="The guide as it would be generated now, instead of a stored version",
        )

    def handle(self, *args, target: str, output: str, **options):
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"No folder {path.parent} to write {path.name} into")
        if target == EXPORT:
            self.export(path, options["format"] or DEFAULT_EXPORT_FORMATS)
            return
        formats = options["format"] or [Format.PDF]
        if len(formats) > 1:
            raise CommandError("Give one --format for a single guide")
        service = Service.objects.select_related("delivery_group").filter(slug=target).first()
        if service is None:
            raise CommandError(f"No service with slug {target!r}")
        try:
            which = services.CURRENT if options["current"] else options["number"]
            guide = services.guide_for(service, which, today=timezone.localdate())
        except NotFound as missing:
            raise CommandError(f"{missing}; generate one, or use --current") from missing
        path.write_bytes(render(guide, formats[0]))
        self.stdout.write(f"Wrote {path} ({guide.title}, {_version_text(guide)})")

    def export(self, path: Path, formats: list[str]) -> None:
        def progress(done: int, total: int) -> None:
            step = max(1, total // 20)
            if done == 0:
                self.stdout.write(f"Exporting the approved guides of {total} live services")
            elif done == total or done % step == 0:
                self.stdout.write(f"{done} of {total} guides ({100 * done // total}%)")

        with path.open("wb") as target:
            count = write_zip(target, formats, progress=progress)
        self.stdout.write(f"Wrote {path}: {count} guides in {', '.join(formats)}")


def _version_text(guide) -> str:
    version = guide.control.version
    return f"version {version}, {guide.control.status.lower()}" if version else "current preview"
