"""Whatever a team writes, every format of the guide holds it as text: control characters
never break a document, and nothing written becomes Markdown or HTML."""

import re
from html import escape as escape_html
from html import unescape

import pytest
from django.db import models
from markdown_it import MarkdownIt

from osr.catalogue.models import (
    Component,
    Contract,
    DeliveryGroup,
    Dependency,
    ExternalSystem,
    Person,
    Service,
    Supplier,
    Team,
)
from osr.guides.assembly import assemble
from osr.guides.document import printable
from osr.guides.models import OperationsProfile
from osr.guides.render_md import escape, render_markdown
from osr.readiness.models import Evidence

from .conftest import TODAY, docx_text, make_complete_service, pdf_reader, words

pytestmark = pytest.mark.django_db

# Controls XML refuses, a vertical tab (a line break to Python), DEL and a C1 control, with
# Welsh, an emoji and Chinese; NUL is left to the unit test (PostgreSQL refuses to store it).
WRITTEN = "\x01\x08\x0b\x1b\x7f\x9f ŵ 🚀 中文"
MODELS = (
    Service,
    OperationsProfile,
    Component,
    Dependency,
    Supplier,
    Contract,
    ExternalSystem,
    Person,
    Team,
    DeliveryGroup,
    Evidence,
)


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
        and not field.primary_key
    ]


def write_into_every_text_field(suffix: str) -> None:
    for model in MODELS:
        fields = _text_fields(model)
        for row in model.objects.all():
            values = {}
            for field in fields:
                room = (field.max_length or 10_000) - len(suffix)
                values[field.name] = (getattr(row, field.name) or "")[: max(room, 0)] + suffix
            model.objects.filter(pk=row.pk).update(**values)


def test_printable_removes_controls_and_keeps_tabs_and_line_breaks():
    assert printable("a\x00b\x1b[31mc\x7f\x9fd") == "ab[31mcd"
    assert printable("one\ttwo\r\nthree\rfour\x0bfive\x0csix\u2028seven") == (
        "one\ttwo\nthree\nfour\nfive\nsix\nseven"
    )
    assert printable("ŵ 🚀 中文 خدمة \ud800\ufffe") == "ŵ 🚀 中文 خدمة "


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_every_format_downloads_whatever_is_written_in_every_text_field(page, users, fmt):
    service = make_complete_service(users.own)
    write_into_every_text_field(WRITTEN)
    client = page("delivery")
    path = f"/services/{service.slug}/operations-guide"
    assert client.post(f"{path}/versions").status_code == 302
    for version in ("current", "1"):
        response = client.get(f"{path}/download", {"format": fmt, "version": version})
        assert response.status_code == 200, version
        if fmt == "docx":
            document = docx_text(response.content)
            text = "\n".join(p.text for p in document.paragraphs)
            text += "".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        elif fmt == "pdf":
            text = "".join(p.extract_text() for p in pdf_reader(response.content).pages)
        else:
            text = response.content.decode()
        assert words("ŵ 🚀 中文") in words(text)
        assert not re.search("[\x00-\x08\x0e-\x1f\x7f-\x9f]", text)


ACTIVE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[a link](https://evil.example)",
    "![an image](https://evil.example/x.png)",
    "<https://evil.example>",
    "# a heading",
    "- a list",
    "+ a list",
    "1. a list",
    "> a quote",
    "**bold** *em* _em_ __bold__",
    "`code` ```fence```",
    "~~struck~~",
    "a | b | c",
    "&lt;b&gt; &amp; &#60;b&#62;",
    "---",
    "===",
    "[ref]: https://evil.example",
    "\\*escaped\\*",
]


def test_markdown_active_text_comes_out_as_the_words_written(users):
    service = make_complete_service(users.own)
    written = "\n".join(ACTIVE)
    OperationsProfile.objects.filter(service=service).update(
        scaling=written, known_errors=ACTIVE[0], load_tested_to=" | ".join(ACTIVE)
    )
    component = Component.objects.filter(service=service).first()
    Component.objects.filter(pk=component.pk).update(name=ACTIVE[2], support_group=ACTIVE[13])
    Service.objects.filter(pk=service.pk).update(name="# Pay *farmers* <b>")
    guide = assemble(service, today=TODAY)
    markdown = render_markdown(guide)
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)
    for tag in ("<script", "<img", "<b>", "<code", "<pre", "<blockquote", "<s>", "<hr"):
        assert tag not in html, tag
    # Emphasis and bold only where OSR puts them: table captions and fact labels.
    captions = {table.caption for section in guide.sections for table in section.tables}
    assert set(re.findall("<em>(.*?)</em>", html)) <= captions
    assert all(label.endswith(":") for label in re.findall("<strong>(.*?)</strong>", html))
    for line in ACTIVE:
        assert escape_html(line) in html, line
    assert html.count("<a href") == 19  # the contents list's links, and only those
    assert html.count("<h1>") == 1 and html.count("<h2>") == 20
    assert "<h1>" + "# Pay *farmers* &lt;b&gt;: service operations guide</h1>" in html
    for line in ACTIVE:
        assert _unescaped(escape(line)) == line
    # Each line of the answer is an item of the fact's own list, never a list of its own.
    assert html.count("<ol") == 1


def _unescaped(markdown: str) -> str:
    """What CommonMark shows for one escaped line."""
    html = MarkdownIt("commonmark").render(markdown)
    return unescape(re.sub(r"^<p>(.*)</p>\n$", r"\1", html, flags=re.S))


def test_the_escaping_is_the_same_in_a_table_cell_and_a_fact():
    assert escape("a | [b](c) <d> & *e*") == r"a \| \[b\]\(c\) &lt;d&gt; &amp; \*e\*"
    assert escape("- item") == r"\- item"
    assert escape("12. twelve") == r"12\. twelve"
    assert escape("one\ntwo") == "one two"
