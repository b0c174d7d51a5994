"""The guide as an HTML document of its own, in GOV.UK style, ready to print or make a PDF of."""

from __future__ import annotations

import functools
from pathlib import Path

from django.template import engines

from .document import Guide, printable_guide, rendered_sections, status_text, summary_text

STYLESHEET = Path(__file__).parent / "static" / "guides" / "guide-document.css"


@functools.cache
def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@functools.cache
def _template():
    return engines["jinja2"].env.get_template("guides/document.html")


def guide_context(guide: Guide) -> dict:
    """What the guide's templates need, on a page of OSR or in a document."""
    guide = printable_guide(guide)
    return {
        "guide": guide,
        "sections": rendered_sections(guide),
        "summary": summary_text(guide),
        "status_text": status_text,
    }


def render_html(guide: Guide) -> str:
    """The whole guide as one self-contained HTML document."""
    return _template().render(guide_context(guide) | {"stylesheet": stylesheet()})
