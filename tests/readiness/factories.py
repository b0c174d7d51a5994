"""Factories for readiness records, and small files of every accepted kind."""

import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from osr.readiness import models

from ..factories import ServiceFactory


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Evidence

    service = factory.SubFactory(ServiceFactory)
    requirement_id = "AS-1"
    attestation = "User needs and the solution are written up"
    policy_version = "2026.1"


class WaiverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Waiver

    service = factory.SubFactory(ServiceFactory)
    requirement_id = "AS-5"
    reason = "Governance is run by the programme"
    policy_version = "2026.1"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
OTHER_ZIP = _zip({"readme.txt": b"hello"})
CONTENT = {"pdf": PDF, "png": PNG, "docx": DOCX, "xlsx": XLSX, "odt": ODT}


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
