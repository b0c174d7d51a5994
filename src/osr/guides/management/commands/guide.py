"""``osr guide``: generate a version of a service's operations guide, write a guide to a
file, or every live service's approved guide to a zip.

osr guide generate SLUG [--by USERNAME]
osr guide SLUG --format html|docx|pdf|md -o FILE [--number N | --current]
osr guide export-live -o FILE.zip [--format docx --format pdf ...]
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from osr.catalogue.models import Service
from osr.core.audit import AttributedCommand
from osr.core.refusals import NotFound
from osr.guides import services
from osr.guides.choices import Format
from osr.guides.export import write_zip
from osr.guides.rendering import render

EXPORT = "export-live"
GENERATE = "generate"
DEFAULT_EXPORT_FORMATS: list[str] = [Format.DOCX.value, Format.PDF.value]


def acting_user(username: str | None):
    """The user the audit trail names for the version generated (None: the system)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user ‘{username}’")
    return user


def _service(slug: str) -> Service:
    service = Service.objects.select_related("delivery_group").filter(slug=slug).first()
    if service is None:
        raise CommandError(f"No service with slug {slug!r}")
    return service


class Command(AttributedCommand):
    help = (
        f"With ‘{GENERATE} SLUG’, generate the next version of a service's operations guide; "
        "with a service's slug, write its guide to a file (the latest version unless --number "
        f"or --current); with ‘{EXPORT}’, write every live service's approved guide to one zip."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "target", metavar="SLUG", help=f"A service's slug, {GENERATE} or {EXPORT}"
        )
        parser.add_argument(
            "slug", nargs="?", metavar="SLUG", help=f"After {GENERATE}: the service's slug"
        )
        parser.add_argument(
            "--by", help=f"With {GENERATE}: the username the version and audit trail name"
        )
        parser.add_argument(
            "--format",
            action="append",
            choices=Format.values,
            help="The format (for a zip, repeat for several; docx and pdf unless given)",
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="Where to write the guide")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--number", type=int, metavar="N", help="Version N of the guide")
        which.add_argument(
            "--current",
            action="store_true",
            help="The guide as it would be generated now, instead of a stored version",
        )

    def acting_user(self, options):
        return acting_user(options.get("by"))

    def handle(self, *args, target: str, slug: str | None, output: str | None, **options):
        if target == GENERATE:
            if not slug:
                raise CommandError(f"Name the service: osr guide {GENERATE} SLUG")
            self.generate(_service(slug), by=acting_user(options.get("by")))
            return
        if slug:
            raise CommandError(f"Unexpected {slug!r}: give one service's slug")
        if not output:
            raise CommandError("Say where to write it: -o FILE")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"No folder {path.parent} to write {path.name} into")
        if target == EXPORT:
            self.export(path, options["format"] or DEFAULT_EXPORT_FORMATS)
            return
        formats = options["format"] or [Format.PDF]
        if len(formats) > 1:
            raise CommandError("Give one --format for a single guide")
        service = _service(target)
        try:
            which = services.CURRENT if options["current"] else options["number"]
            guide = services.guide_for(service, which, today=timezone.localdate())
        except NotFound as missing:
            raise CommandError(f"{missing}; generate one, or use --current") from missing
        path.write_bytes(render(guide, formats[0]))
        self.stdout.write(f"Wrote {path} ({guide.title}, {_version_text(guide)})")

    def generate(self, service: Service, *, by) -> None:
        """The next version, as the page's "Generate a new version" button makes it."""
        version = services.generate_version(service, by=by, today=timezone.localdate())
        guide = services.guide_for(service, version.number, today=timezone.localdate())
        state = (
            "complete"
            if guide.complete
            else "incomplete: " + ", ".join(section.heading for section in guide.incomplete)
        )
        self.stdout.write(f"Generated version {version.number} of {guide.title} ({state})")

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
