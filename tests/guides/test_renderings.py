"""HTML, DOCX, PDF and Markdown, read back: every section, every table, the same facts."""

import re
import zipfile
from html import unescape
from html.parser import HTMLParser
from io import BytesIO

import pytest

from osr.guides.assembly import assemble
from osr.guides.choices import SECTIONS
from osr.guides.document import Guide, rendered_sections
from osr.guides.models import OperationsProfile
from osr.guides.render_docx import render_docx
from osr.guides.render_html import render_html
from osr.guides.render_md import render_markdown
from osr.guides.render_pdf import render_pdf

from .conftest import TODAY, docx_text, make_complete_service, pdf_reader, words

pytestmark = pytest.mark.django_db

HEADINGS = [f"{number}. {title}" for number, _key, title in SECTIONS]


@pytest.fixture
def guide(users) -> Guide:
    service = make_complete_service(users.own, components=4, dependencies=3)
    OperationsProfile.objects.filter(service=service).update(load_tested_to="")
    return assemble(service, today=TODAY)


def statements(guide: Guide) -> list[str]:
    """Every fact, table cell and missing item the guide holds: what each format must say."""
    found = []
    for section in rendered_sections(guide):
        found.append(section.heading)
        found += section.missing
        for label, value in section.facts:
            found += [label, *[line for line in value.splitlines() if line.strip()]]
        for table in section.tables:
            found += [table.caption, *table.columns] if table.rows else [table.caption, table.empty]
            found += [cell for row in table.rows for cell in row]
    return found


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def docx_all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_docx_has_a_heading_for_every_section_in_order(guide):
    document = docx_text(render_docx(guide))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS
    assert document.paragraphs[0].style.name == "Title"
    assert document.core_properties.title == "Pay farmers: service operations guide"


def test_the_docx_tables_are_filled_with_a_header_row(guide):
    document = docx_text(render_docx(guide))
    tables = {t.rows[0].cells[0].text: t for t in document.tables if len(t.columns) > 2}
    components = tables["Component"]
    assert [c.text for c in components.rows[0].cells] == [
        "Component",
        "Kind",
        "Hosting",
        "Supplier",
        "Support group",
    ]
    assert [r.cells[0].text for r in components.rows[1:]] == [
        f"Component {n:02d}" for n in range(4)
    ]
    assert all(cell.text for row in components.rows for cell in row.cells)
    depends = tables["Depends on"]
    assert len(depends.rows) == 4 and depends.rows[1].cells[6].text.startswith("Claims stop")


def test_the_docx_has_a_contents_field_listing_every_section(guide):
    content = render_docx(guide)
    xml = zipfile.ZipFile(BytesIO(content)).read("word/document.xml").decode()
    # Each entry's page number is a field: a page reference to its section's heading.
    assert xml.count("PAGEREF _Toc") == len(HEADINGS)
    assert xml.count('w:fldCharType="begin"') == xml.count('w:fldCharType="end"')
    document = docx_text(content)
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Contents")
    # "Heading<tab><page>": the page is worked out as the document is laid out.
    assert [text.split("\t")[0] for text in texts[start + 1 : start + 20]] == HEADINGS


def test_the_pdf_has_a_bookmark_and_heading_for_every_section(guide):
    reader = pdf_reader(render_pdf(guide))
    outline = reader.outline
    assert outline[0].title == "Pay farmers: service operations guide"
    sections = [item.title for item in outline[1] if not isinstance(item, list)]
    assert sections == HEADINGS
    text = words("".join(page.extract_text() for page in reader.pages))
    for heading in HEADINGS:
        assert words(heading) in text


def test_the_pdf_tables_are_filled(guide):
    reader = pdf_reader(render_pdf(guide))
    text = words("".join(page.extract_text() for page in reader.pages))
    for n in range(4):
        assert words(f"Component {n:02d}") in text
    assert words("Claims stop if upstream 02 fails") in text
    assert words("CON-pay-farmers") in text
    assert len(reader.pages) > 3
    assert re.search(r"Page1of\d+", text)


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_every_format_says_every_fact_of_the_guide(guide, fmt):
    if fmt == "md":
        text = render_markdown(guide).replace("<br>", "\n")
        text = unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text))
    elif fmt == "html":
        text = html_text(render_html(guide))
    elif fmt == "docx":
        text = docx_all_text(docx_text(render_docx(guide)))
    else:
        text = "".join(page.extract_text() for page in pdf_reader(render_pdf(guide)).pages)
    text = words(text.replace("&amp;", "&"))
    absent = [s for s in statements(guide) if words(s) not in text]
    assert absent == []


def test_every_format_marks_the_incomplete_sections(guide):
    assert [s.number for s in guide.incomplete] == [14]
    expected = "The incomplete section is named in each"
    markdown = render_markdown(guide)
    assert "Incomplete: 1 section is incomplete (14)." in markdown, expected
    assert "**Status:** Incomplete. Missing:\n\n- What the service was load tested to" in markdown
    html = render_html(guide)
    assert "Incomplete: 1 section is incomplete (14)." in html
    assert 'href="#section-14">Capacity and performance</a> <strong class="govuk-tag' in html
    docx = docx_all_text(docx_text(render_docx(guide)))
    assert "Status: Incomplete. Missing:\nWhat the service was load tested to" in docx


def test_the_html_is_a_self_contained_gov_uk_styled_document(guide):
    html = render_html(guide)
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and "@page" in html and "@media print" in html
    assert "<link" not in html and "<script" not in html
    assert html.count('class="osr-guide__section"') == 19


def test_what_a_team_writes_is_escaped_in_every_format(users):
    service = make_complete_service(users.own)
    OperationsProfile.objects.filter(service=service).update(
        scaling="<script>alert(1)</script> | pipes"
    )
    guide = assemble(service, today=TODAY)
    assert "<script>alert" not in render_html(guide)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | pipes" in render_html(guide)
    assert "**How it scales:** &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| pipes" in (
        render_markdown(guide)
    )
