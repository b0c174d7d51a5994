"""The guide as a Word document: headings, tables and a contents list (python-docx).

The contents list names every section with a PAGEREF field to a bookmark on its
heading, the entries of a Word contents list without the TOC field around them:
LibreOffice keeps a TOC field's text as it was written (no page numbers), but works
out a page reference as it lays the document out, and Word, asked to update the
document's fields on opening, fills them in too. Headings use Word's built-in heading
styles, restyled in ``docx_styles``; the footer says "Page N of M".
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from .document import (
    Guide,
    Section,
    Table,
    printable_guide,
    rendered_sections,
    status_text,
    summary_text,
)
from .docx_styles import (
    GREY,
    TABLE_SIZE,
    describe,
    style_document,
    update_fields_on_open,
)


def _field_char(run, kind: str, *, dirty: bool = False) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if dirty:  # to be recalculated before it is shown
        element.set(qn("w:dirty"), "true")
    run._r.append(element)


def _instruction(run, text: str) -> None:
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run._r.append(element)


# Where a contents entry's page number stands: the right edge of A4 inside 2 cm margins.
CONTENTS_TAB = Cm(17)


def _bookmark_name(number: int) -> str:
    # "_Toc" names are the hidden bookmarks Word gives headings its contents list cites.
    return f"_Toc{number:04d}"


def _contents(document, sections: list[Section]) -> None:
    """Every section and the page it starts on (a PAGEREF field to the bookmark on the
    section's heading), after a dot leader."""
    _paragraph(document, "Contents", document.styles["TOC Heading"].style_id)
    for number, section in enumerate(sections):
        paragraph = document.add_paragraph(section.heading)
        paragraph.add_run("\t")
        _field(paragraph, f"PAGEREF {_bookmark_name(number)} \\h", "", dirty=True)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            CONTENTS_TAB, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )


def _bookmarked(paragraph, number: int) -> None:
    """A bookmark around the paragraph's text, for its contents entry's page number."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    for element in (start, end):
        element.set(qn("w:id"), str(number))
    start.set(qn("w:name"), _bookmark_name(number))
    runs = paragraph._p.r_lst
    runs[0].addprevious(start)
    runs[-1].addnext(end)


def _field(paragraph, instruction: str, shown: str, *, dirty: bool = False) -> None:
    """A simple field, ``shown`` until Word or LibreOffice calculates it."""
    _field_char(paragraph.add_run(), "begin", dirty=dirty)
    _instruction(paragraph.add_run(), f" {instruction} ")
    _field_char(paragraph.add_run(), "separate")
    paragraph.add_run(shown)
    _field_char(paragraph.add_run(), "end")


def _page_number(paragraph) -> None:
    """Page N of M."""
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES", "1")
    for run in paragraph.runs:
        run.font.size, run.font.color.rgb = Pt(9), GREY


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


class _Styles:
    """The style IDs this document uses, looked up by name once: python-docx looks a style
    up by name through every style in the document each time it is given a name."""

    def __init__(self, document):
        styles = document.styles
        self.title = styles["Title"].style_id
        self.heading = {1: styles["Heading 1"].style_id, 2: styles["Heading 2"].style_id}
        self.bullet = styles["List Bullet"].style_id
        self.grid = styles["Table Grid"].style_id


def _paragraph(document, text: str = "", style_id: str | None = None):
    paragraph = document.add_paragraph(text)
    if style_id:
        paragraph._p.style = style_id
    return paragraph


def _word_table(
    document, styles: _Styles, rows: list[list[str]], *, header: bool, bold_first=False
):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table._tbl.tblStyle_val = styles.grid
    for index, (tr, values) in enumerate(zip(table._tbl.tr_lst, rows, strict=True)):
        for column, (tc, value) in enumerate(zip(tr.tc_lst, values, strict=True)):
            cell = _Cell(tc, table)
            run = cell.paragraphs[0].add_run(value)
            run.font.size = TABLE_SIZE
            if (header and index == 0) or (bold_first and column == 0):
                run.bold = True
    if header:
        _repeat_header(table.rows[0])
    return table


def _facts(document, styles: _Styles, facts: list[tuple[str, str]]) -> None:
    table = _word_table(
        document, styles, [list(fact) for fact in facts], header=False, bold_first=True
    )
    for column, width in zip(table.columns, (Cm(5.5), Cm(11.5)), strict=True):
        column.width = width
    document.add_paragraph()


def _table(document, styles: _Styles, table: Table) -> None:
    _paragraph(document, table.caption, styles.heading[2])
    if not table.rows:
        document.add_paragraph(table.empty)
        return
    _word_table(document, styles, [table.columns, *table.rows], header=True)
    document.add_paragraph()


def _section(document, styles: _Styles, section: Section, number: int) -> None:
    _bookmarked(_paragraph(document, section.heading, styles.heading[1]), number)
    status = document.add_paragraph()
    status.add_run("Status: ").bold = True
    status.add_run(status_text(section))
    for item in section.missing:
        _paragraph(document, item, styles.bullet)
    if section.facts:
        _facts(document, styles, section.facts)
    for table in section.tables:
        _table(document, styles, table)


def render_docx(guide: Guide) -> bytes:
    """The whole guide as an A4 DOCX file."""
    guide = printable_guide(guide)
    document = Document()
    style_document(document)
    update_fields_on_open(document)
    describe(document, guide)
    page = document.sections[0]
    header = page.header.paragraphs[0].add_run(guide.title)
    header.font.size, header.font.color.rgb = Pt(9), GREY
    _page_number(page.footer.paragraphs[0])

    styles = _Styles(document)
    sections = rendered_sections(guide)
    _paragraph(document, guide.title, styles.title)
    document.add_paragraph(f"{guide.delivery_group}. {summary_text(guide)}")
    _contents(document, sections)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for number, section in enumerate(sections):
        _section(document, styles, section, number)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
