"""Every format of the guide from the one document model, with its file name and media type."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse

from .choices import MEDIA_TYPES, Format
from .document import Guide
from .render_docx import render_docx
from .render_html import render_html
from .render_md import render_markdown
from .render_pdf import render_pdf


@dataclass(frozen=True)
class Rendered:
    """A guide in one format, ready to send or write."""

    content: bytes
    media_type: str
    file_name: str


def render(guide: Guide, fmt: str) -> bytes:
    """The guide in ``fmt`` (html, docx, pdf or md)."""
    if fmt == Format.HTML:
        return render_html(guide).encode()
    if fmt == Format.MD:
        return render_markdown(guide).encode()
    if fmt == Format.DOCX:
        return render_docx(guide)
    if fmt == Format.PDF:
        return render_pdf(guide)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(Format.values)}")


def file_name(guide: Guide, fmt: str) -> str:
    version = f"-v{guide.control.version}" if guide.control.version else "-preview"
    return f"{guide.service_slug}-operations-guide{version}.{fmt}"


def rendered(guide: Guide, fmt: str) -> Rendered:
    return Rendered(render(guide, fmt), MEDIA_TYPES[Format(fmt)], file_name(guide, fmt))


def as_download(document: Rendered) -> HttpResponse:
    """A rendered guide as an attachment; shown inline it could run nothing."""
    response = HttpResponse(document.content, content_type=document.media_type)
    response["Content-Disposition"] = f'attachment; filename="{document.file_name}"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response
