"""The guide as Markdown: headings, facts, pipe tables, and what each section is missing."""

from __future__ import annotations

from .document import Guide, Section, Table, lines, rendered_sections, status_text, summary_text


def _safe(value: str) -> str:
    # What a team wrote never becomes markup where the Markdown is turned into HTML.
    return value.replace("<", "&lt;")


def _cell(value: str) -> str:
    return _safe(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _fact(label: str, value: str) -> list[str]:
    parts = lines(_safe(value)) or [value]
    if len(parts) == 1:
        return [f"**{label}:** {parts[0]}", ""]
    return [f"**{label}:**", "", *[f"- {part}" for part in parts], ""]


def _table(table: Table) -> list[str]:
    out = [f"*{table.caption}*", ""]
    if not table.rows:
        return [*out, table.empty, ""]
    out.append("| " + " | ".join(_cell(c) for c in table.columns) + " |")
    out.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return [*out, ""]


def section_lines(section: Section) -> list[str]:
    """One section's Markdown, heading first; also what version differences compare."""
    out = [f"## {section.heading}", ""]
    out += [f"**Status:** {status_text(section)}", ""]
    if section.missing:
        out += [f"- {_safe(item)}" for item in section.missing] + [""]
    for label, value in section.facts:
        out += _fact(label, value)
    for table in section.tables:
        out += _table(table)
    return out


def render_markdown(guide: Guide) -> str:
    """The whole guide as one Markdown document."""
    sections = rendered_sections(guide)
    out = [f"# {guide.title}", "", f"{guide.delivery_group}. {summary_text(guide)}", ""]
    out += ["## Contents", ""]
    out += [f"{s.number}. [{s.title}](#{s.anchor})" for s in sections]
    out.append("")
    for section in sections:
        out.append(f'<a id="{section.anchor}"></a>')
        out.append("")
        out += section_lines(section)
    return "\n".join(out).rstrip() + "\n"
