"""Checking an uploaded evidence file: its size, and its type from its content.

The name and the browser's declared type are never trusted. PDF and PNG are
told by their signature; DOCX, XLSX and ODT are zip containers, told apart by
the entries inside them.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

from .choices import FileKind

ACCEPTED = "PDF, DOCX, XLSX, ODT or PNG"
_EXTENSIONS = {
    FileKind.PDF: {".pdf"},
    FileKind.DOCX: {".docx"},
    FileKind.XLSX: {".xlsx"},
    FileKind.ODT: {".odt"},
    FileKind.PNG: {".png"},
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def detect_kind(upload) -> FileKind | None:
    """The kind of file the content is, or None if it is none we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head == b"\x89PNG\r\n\x1a\n":
        return FileKind.PNG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return None


def _zip_kind(upload) -> FileKind | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(len(_ODT_MIMETYPE) + 1).strip() == _ODT_MIMETYPE:
                        return FileKind.ODT
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return FileKind.DOCX
                if "xl/workbook.xml" in names:
                    return FileKind.XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def too_large_to_read(request) -> bool:
    """Whether a request body is past any acceptable upload, judged before reading it.

    The form checks each file's size; this spares reading gigabytes to find out.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.OSR_EVIDENCE_MAX_BYTES + 1024 * 1024


def too_big_message() -> str:
    return f"The selected file must be smaller than {settings.OSR_EVIDENCE_MAX_BYTES // 2**20}MB"


def check_upload(upload) -> FileKind:
    """The kind of an acceptable upload, or a ValidationError saying what is wrong."""
    limit = settings.OSR_EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if upload.size > limit:
        raise ValidationError(too_big_message(), code="too_big")
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(f"The selected file must be a {ACCEPTED}", code="type")
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in _EXTENSIONS[kind]:
        raise ValidationError(
            f"The selected file’s name ends ‘{extension or 'with no extension'}’ "
            f"but its content is a {kind.label}; rename it or choose the right file",
            code="type_mismatch",
        )
    return kind
