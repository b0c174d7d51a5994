"""The approved guides of every live service, written one by one into a zip.

Versions are read from the database in small chunks and each guide is
rendered, written and dropped before the next, so memory stays flat however
many guides there are; the zip itself goes to a file, never to memory.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from typing import IO

from django.db.models import OuterRef, QuerySet, Subquery

from osr.catalogue.choices import Phase
from osr.catalogue.models import Service
from osr.core.spreadsheet import InertWriter

from .choices import Format
from .models import GuideVersion
from .rendering import file_name, render
from .versions import guide_of

CHUNK = 20
# DOCX and PDF are compressed already; deflating them again only costs time.
COMPRESSION: dict[str, int] = {
    Format.HTML: zipfile.ZIP_DEFLATED,
    Format.MD: zipfile.ZIP_DEFLATED,
    Format.DOCX: zipfile.ZIP_STORED,
    Format.PDF: zipfile.ZIP_STORED,
}
MANIFEST_COLUMNS = ["service", "name", "delivery_group", "version", "approved_at", "complete"]

Progress = Callable[[int, int], None]


def live_guide_versions() -> QuerySet[GuideVersion]:
    """The latest approved version of the guide of each live service, by group and name."""
    latest = (
        GuideVersion.objects.filter(service=OuterRef("pk"), approved_at__isnull=False)
        .order_by("-number")
        .values("pk")[:1]
    )
    chosen = (
        Service.objects.filter(phase=Phase.LIVE)
        .annotate(version_id=Subquery(latest))
        .filter(version_id__isnull=False)
        .values("version_id")
    )
    return (
        GuideVersion.objects.filter(pk__in=chosen)
        .select_related("service", "service__delivery_group", "generated_by")
        .order_by("service__delivery_group__name", "service__name", "service_id")
    )


def write_zip(
    target: IO[bytes],
    formats: Iterable[str],
    *,
    versions: QuerySet[GuideVersion] | None = None,
    progress: Progress | None = None,
) -> int:
    """Write each version in every format, and an ``index.csv``, to ``target``; the count."""
    formats = [Format(f) for f in formats]
    versions = live_guide_versions() if versions is None else versions
    total = versions.count()
    if progress:
        progress(0, total)
    done = 0
    with tempfile.TemporaryFile() as manifest, zipfile.ZipFile(target, "w") as archive:
        text = io.TextIOWrapper(manifest, encoding="utf-8", newline="", write_through=True)
        rows = InertWriter(text)
        rows.writerow(MANIFEST_COLUMNS)
        for version in versions.iterator(chunk_size=CHUNK):
            guide = guide_of(version)
            folder = version.service.delivery_group.slug
            for fmt in formats:
                archive.writestr(
                    f"{folder}/{file_name(guide, fmt)}",
                    render(guide, fmt),
                    compress_type=COMPRESSION[fmt],
                )
            rows.writerow(
                [
                    version.service.slug,
                    version.service.name,
                    version.service.delivery_group.name,
                    version.number,
                    version.approved_at.isoformat() if version.approved_at else "",
                    "yes" if version.complete else "no",
                ]
            )
            done += 1
            if progress:
                progress(done, total)
        manifest.seek(0)
        with archive.open("index.csv", "w") as out:
            shutil.copyfileobj(manifest, out)
        text.detach()
    return done
