"""The guide as PDF: the HTML document laid out by WeasyPrint with its print stylesheet."""

from __future__ import annotations

import logging

from .document import Guide
from .render_html import render_html

# WeasyPrint logs each step of every document it lays out; only its warnings matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _fetch_nothing(url: str, *args, **kwargs):
    # The document is self-contained; a guide never makes the server fetch an address.
    raise ValueError(f"Not fetched: {url}")


def render_pdf(guide: Guide) -> bytes:
    """The whole guide as an A4 PDF with page numbers and a bookmark per section."""
    # Imported here: WeasyPrint loads Pango when imported, which most requests never need.
    from weasyprint import HTML

    document = HTML(string=render_html(guide), base_url=None, url_fetcher=_fetch_nothing)
    return document.write_pdf(pdf_identifier=guide.service_slug.encode()) or b""
