"""Evidence files: accepted by their content, never by their name or declared type."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from osr.readiness.uploads import check_upload, detect_kind

from .factories import CONTENT, OTHER_ZIP, PDF, PNG, upload


@pytest.mark.parametrize("kind", ["pdf", "png", "docx", "xlsx", "odt"])
def test_each_accepted_kind_is_told_by_its_content(kind):
    assert check_upload(upload(f"evidence.{kind}", CONTENT[kind])) == kind


def test_extension_case_does_not_matter():
    assert check_upload(upload("PACK.PDF", PDF)) == "pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pack.pdf", b"<html><script>alert(1)</script></html>"),
        ("pack.pdf", b"MZ\x90\x00\x03 an executable"),
        ("pack.docx", OTHER_ZIP),  # a zip, but not a Word document
        ("pack.docx", b"PK\x03\x04 broken zip"),
        ("pack.png", b"GIF89a"),
    ],
)
def test_content_that_is_not_an_accepted_kind_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content, "application/pdf"))
    assert refused.value.code == "type"


def test_a_name_that_disguises_the_content_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("pack.pdf", PNG, "application/pdf"))
    assert refused.value.code == "type_mismatch"
    assert "PNG" in refused.value.message


def test_a_docx_renamed_xlsx_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("sheet.xlsx", CONTENT["docx"]))
    assert refused.value.code == "type_mismatch"


def test_a_file_over_the_limit_is_refused():
    with override_settings(OSR_EVIDENCE_MAX_BYTES=1024), pytest.raises(ValidationError) as refused:
        check_upload(upload("pack.pdf", PDF + b"x" * 1024))
    assert refused.value.code == "too_big"


def test_the_limit_is_twenty_megabytes():
    big = upload("pack.pdf", PDF + b"\x00" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        check_upload(big)
    assert "20MB" in refused.value.message
    assert check_upload(upload("pack.pdf", PDF + b"\x00" * (20 * 1024 * 1024 - len(PDF)))) == "pdf"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("pack.pdf", b""))
    assert refused.value.code == "empty"


def test_detection_leaves_the_file_ready_to_store():
    file = upload("pack.docx", CONTENT["docx"])
    assert detect_kind(file) == "docx"
    assert file.read() == CONTENT["docx"]
