"""The Word and PDF guides as Defra reads them: A4, black Arial headings, page numbers,
a contents field, true properties, any script and emoji, and Word's own layout checked
by LibreOffice."""

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from osr.guides.assembly import assemble
from osr.guides.docx_styles import BLACK
from osr.guides.models import OperationsProfile
from osr.guides.render_docx import render_docx
from osr.guides.render_pdf import render_pdf

from ..factories import ServiceFactory
from .conftest import TODAY, docx_text, make_complete_service, pdf_reader, words
from .test_renderings import HEADINGS

pytestmark = pytest.mark.django_db

WORLD = "Gwasanaeth ŵ ŷ, 中文服务, خدمة المزارعين, 🚀"


def _xml(content: bytes, part: str) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read(part).decode()


@pytest.fixture
def complete(users):
    return assemble(make_complete_service(users.own), today=TODAY)


def test_the_word_guide_is_a4_with_black_arial_headings_kept_with_what_follows(complete):
    content = render_docx(complete)
    document = docx_text(content)
    page = document.sections[0]
    assert (round(page.page_width / Mm(1)), round(page.page_height / Mm(1))) == (210, 297)
    for name in ("Title", "Heading 1", "Heading 2", "TOC Heading"):
        style = document.styles[name]
        assert style.font.color.rgb == BLACK, name
        assert style.font.name == "Arial", name
        assert style.paragraph_format.keep_with_next, name
    assert document.styles["Normal"].font.name == "Arial"
    # A theme attribute would outrank the explicit font and colour: Word's blue Cambria.
    used = ["Normal", "Title", "Heading 1", "Heading 2", "TOC Heading", "Heading 1 Char"]
    for element in [document.styles.element.find(qn("w:docDefaults"))] + [
        document.styles[name].element for name in used
    ]:
        xml = etree.tostring(element).decode()
        assert "w:themeColor" not in xml and "Theme=" not in xml and "w:cstheme" not in xml
        assert "w:pBdr" not in xml


def test_the_word_guide_numbers_its_pages_and_lists_its_contents_as_fields(complete):
    content = render_docx(complete)
    footer = "".join(
        _xml(content, name)
        for name in zipfile.ZipFile(io.BytesIO(content)).namelist()
        if name.startswith("word/footer")
    )
    assert "Page " in footer and " PAGE " in footer and " of " in footer and " NUMPAGES " in footer
    document = _xml(content, "word/document.xml")
    # Each section's contents entry: a page reference to a bookmark on its heading,
    # marked to be recalculated.
    for number in range(len(HEADINGS)):
        assert f"PAGEREF _Toc{number:04d} \\h" in document
        assert f'w:name="_Toc{number:04d}"' in document
    assert 'w:dirty="true"' in document
    assert '<w:updateFields w:val="true"/>' in _xml(content, "word/settings.xml")


def test_the_word_guide_says_what_it_is_whose_and_when_it_was_made(complete):
    properties = docx_text(render_docx(complete)).core_properties
    assert properties.title == "Pay farmers: service operations guide"
    assert properties.subject == "Service operations guide for Pay farmers"
    assert properties.author == "Farming and countryside"
    assert properties.created == dt.datetime(2026, 3, 5, tzinfo=dt.UTC)
    assert properties.language == "en-GB"
    assert "python-docx" not in (properties.comments + properties.author)


def _libreoffice_pdf(content: bytes, tmp_path) -> str:
    source = tmp_path / "guide.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = pdf_reader((tmp_path / "guide.pdf").read_bytes())
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {
        (595, 842)  # A4 in points
    }
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; `make test` installs libreoffice-writer-nogui",
)
@pytest.mark.parametrize("which", ["complete", "empty"])
def test_libreoffice_lays_out_every_section_of_the_word_guide(users, tmp_path, which):
    if which == "complete":
        service = make_complete_service(users.own)
        OperationsProfile.objects.filter(service=service).update(scaling=WORLD)
    else:
        service = ServiceFactory(delivery_group=users.own, name="Nothing yet")
    text = _libreoffice_pdf(render_docx(assemble(service, today=TODAY)), tmp_path)
    flat = words(text)
    for heading in HEADINGS:
        # Once in the contents list, once as the section's heading.
        assert flat.count(words(heading)) >= 2, heading
    assert words("Page 1 of ") in flat
    if which == "complete":
        assert words(WORLD) in flat


def test_the_pdf_draws_other_scripts_and_emoji_in_fonts_that_have_them(users):
    service = make_complete_service(users.own, name=f"Pay farmers {WORLD}")
    OperationsProfile.objects.filter(service=service).update(scaling=WORLD)
    reader = pdf_reader(render_pdf(assemble(service, today=TODAY)))
    text = words("".join(page.extract_text() for page in reader.pages))
    assert words(WORLD) in text
    fonts = set()
    for page in reader.pages[:2]:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert any(f.startswith("Noto-Sans-CJK") for f in fonts), fonts
    assert any(f.startswith("Noto-Sans-Arabic") for f in fonts), fonts
    assert any(f.startswith("Noto-Color-Emoji") for f in fonts), fonts
    assert "Liberation-Sans" in fonts, fonts  # Arial's metric twin for the Latin text


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; `make test` installs libreoffice-writer-nogui",
)
def test_libreoffice_shows_the_page_of_each_section_in_the_contents(users, tmp_path):
    service = make_complete_service(users.own)
    text = _libreoffice_pdf(render_docx(assemble(service, today=TODAY)), tmp_path)
    contents = text.split("Contents", 1)[1]
    pages = {}
    for heading in HEADINGS:
        # "Heading ........ 3": the entry, its dot leader and the page it starts on.
        found = re.search(re.escape(heading) + r"[\s.…]*?(\d+)\s*$", contents, re.MULTILINE)
        assert found, f"{heading} has no page number in the contents:\n{contents[:1500]}"
        pages[heading] = int(found[1])
    numbers = list(pages.values())
    assert numbers == sorted(numbers) and numbers[0] >= 2, pages  # after the contents page
    last_page = int(re.findall(r"Page \d+ of (\d+)", text)[0])
    assert numbers[-1] <= last_page
