"""The guide as Markdown: headings, facts, pipe tables, and what each section is missing.

Every piece of text, whatever wrote it, goes through ``escape``: in CommonMark (as GitHub,
GitLab and most tools read Markdown) it then reads as the words it is, never as HTML, a
link, an image, a heading, a list, emphasis, code or a table cell boundary.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .document import (
    Guide,
    Section,
    Table,
    lines,
    printable_guide,
    rendered_sections,
    status_text,
    summary_text,
)

# Entities rather than backslashes: every Markdown dialect decodes them, and a dialect
# that does not know a backslash escape would otherwise pass a tag through.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Emphasis, code, links and images, headings, table cells, strikethrough, maths.
_ACTIVE = re.compile(r"([\\`*_\[\]()#|~$!])")
# What would start a list or underline a heading where the text starts a line.
_LIST_START = re.compile(r"^([-+=])")
_NUMBERED = re.compile(r"^(\d+)\.")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def escape(value: str) -> str:
    """``value`` as inert Markdown text on one line (line breaks become spaces)."""
    value = _LINE_BREAK.sub(" ", value.strip())
    value = "".join(_ENTITIES.get(char, char) for char in value)
    value = _ACTIVE.sub(r"\\\1", value)
    return _NUMBERED.sub(r"\1\\.", _LIST_START.sub(r"\\\1", value))


def _cell(value: str, escape: Callable[[str], str]) -> str:
    # A table row is one line: the lines of a cell are joined with a break of our own.
    return "<br>".join(escape(line) for line in lines(value)) or escape(value)


def _fact(label: str, value: str, escape: Callable[[str], str]) -> list[str]:
    parts = lines(value) or [value]
    if len(parts) == 1:
        return [f"**{escape(label)}:** {escape(parts[0])}", ""]
    return [f"**{escape(label)}:**", "", *[f"- {escape(part)}" for part in parts], ""]


def _table(table: Table, escape: Callable[[str], str]) -> list[str]:
    out = [f"*{escape(table.caption)}*", ""]
    if not table.rows:
        return [*out, escape(table.empty), ""]
    out.append("| " + " | ".join(_cell(c, escape) for c in table.columns) + " |")
    out.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    out += ["| " + " | ".join(_cell(c, escape) for c in row) + " |" for row in table.rows]
    return [*out, ""]


def section_lines(section: Section, *, escape: Callable[[str], str] = escape) -> list[str]:
    """One section's Markdown, heading first. Version differences compare these lines with
    ``escape`` that leaves text as it is, since they are shown as text, not Markdown."""
    out = [f"## {section.heading}", ""]  # OSR's own numbered title
    out += [f"**Status:** {escape(status_text(section))}", ""]
    if section.missing:
        out += [f"- {escape(item)}" for item in section.missing] + [""]
    for label, value in section.facts:
        out += _fact(label, value, escape)
    for table in section.tables:
        out += _table(table, escape)
    return out


def render_markdown(guide: Guide) -> str:
    """The whole guide as one Markdown document."""
    guide = printable_guide(guide)
    sections = rendered_sections(guide)
    out = [f"# {escape(guide.title)}", ""]
    # The summary is OSR's own words and numbers, the headings OSR's numbered titles.
    out += [f"{escape(guide.delivery_group)}. {summary_text(guide)}", ""]
    out += ["## Contents", ""]
    out += [f"{s.number}. [{escape(s.title)}](#{s.anchor})" for s in sections]
    out.append("")
    for section in sections:
        out.append(f'<a id="{section.anchor}"></a>')
        out.append("")
        out += section_lines(section)
    return "\n".join(out).rstrip() + "\n"
