"""The Word guide's page and typography: A4, Arial, black headings, GOV.UK-like sizes.

python-docx starts from a US Letter template whose styles take their fonts and colours
from the document theme (Calibri/Cambria, blue headings). A theme attribute outranks
the explicit font or colour beside it, so every style is given its own and the theme
attributes are removed.
"""

from __future__ import annotations

import datetime as dt

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from .document import Guide

FONT = "Arial"
BLACK = RGBColor(0x0B, 0x0C, 0x0C)  # GOV.UK's text colour
GREY = RGBColor(0x50, 0x5A, 0x5F)  # GOV.UK's secondary text colour
BODY_SIZE = Pt(11)
TABLE_SIZE = Pt(9)
# Title, headings and the contents list's title: size, space before and after.
HEADINGS = {
    "Title": (Pt(24), Pt(0), Pt(12)),
    "Heading 1": (Pt(16), Pt(18), Pt(6)),
    "Heading 2": (Pt(12), Pt(12), Pt(4)),
    "TOC Heading": (Pt(16), Pt(12), Pt(6)),
}
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_THEME_COLOURS = ("w:themeColor", "w:themeShade", "w:themeTint")
# What may follow w:updateFields in settings.xml: Word refuses elements out of order.
_AFTER_UPDATE_FIELDS = {
    qn(f"w:{name}")
    for name in (
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    )
} | {qn("m:mathPr"), qn("sl:schemaLibrary")}


def _without_theme(element) -> None:
    """Fonts Arial and text colours GOV.UK black, with no theme to override them."""
    for fonts in element.iter(qn("w:rFonts")):
        for attribute in _THEME_FONTS:
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
    for colour in element.iter(qn("w:color")):
        if any(qn(attribute) in colour.attrib for attribute in _THEME_COLOURS):
            for attribute in _THEME_COLOURS:
                colour.attrib.pop(qn(attribute), None)
            colour.set(qn("w:val"), str(BLACK))


def _language(styles_element, language: str) -> None:
    for lang in styles_element.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)


def style_document(document: Document) -> None:
    """A4 pages, Arial throughout, black headings kept with what follows them."""
    styles = document.styles
    # Paragraph and character styles and the defaults: the table styles' borders and
    # shading this document does not use are left as they are.
    _without_theme(styles.element.find(qn("w:docDefaults")))
    for style in styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            _without_theme(style.element)
    title_rule = styles["Title"].element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
    if title_rule is not None:
        title_rule.getparent().remove(title_rule)  # Word's blue rule under the title
    _language(styles.element, "en-GB")
    normal = styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = FONT, BODY_SIZE, BLACK
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, (size, before, after) in HEADINGS.items():
        style = styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, size, True
        style.font.color.rgb = BLACK
        style.paragraph_format.space_before, style.paragraph_format.space_after = before, after
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True
    for page in document.sections:
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.left_margin = page.right_margin = Cm(2)
        page.top_margin = page.bottom_margin = Cm(2)
        page.header_distance = page.footer_distance = Cm(1)


def update_fields_on_open(document: Document) -> None:
    """Ask Word to fill in the contents list's page numbers when the document is opened."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    following = next((child for child in settings if child.tag in _AFTER_UPDATE_FIELDS), None)
    if following is None:
        settings.append(update)
    else:
        following.addprevious(update)


def describe(document: Document, guide: Guide) -> None:
    """The document's properties: what it is, whose, and when it was made."""
    properties = document.core_properties
    made = dt.datetime.combine(dt.date.fromisoformat(guide.assembled_on[:10]), dt.time(), dt.UTC)
    properties.title = guide.title
    properties.subject = f"Service operations guide for {guide.service_name}"
    properties.author = guide.delivery_group
    properties.last_modified_by = guide.control.generated_by or "Operational Service Readiness"
    properties.category = "Service operations guide"
    properties.keywords = f"{guide.service_slug}, operations guide, OSR"
    properties.comments = "Generated by Operational Service Readiness (OSR)"
    properties.content_status = guide.control.status
    properties.version = str(guide.control.version or "preview")
    properties.revision = guide.control.version or 1
    properties.language = "en-GB"
    properties.identifier = guide.service_slug
    properties.created = properties.modified = made
