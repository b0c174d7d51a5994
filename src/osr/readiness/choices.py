"""Fixed values of readiness. The status names are public contract."""

from django.db import models


class Status(models.TextChoices):
    """Where a service stands on one requirement."""

    NOT_STARTED = "not_started", "Not started"
    SUBMITTED = "submitted", "Submitted"
    MET = "met", "Met"
    REJECTED = "rejected", "Rejected"
    WAIVED = "waived", "Waived"
    EXPIRED = "expired", "Expired"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


# Only these satisfy a gate: submitted but unverified evidence does not.
SATISFIED = frozenset({Status.MET, Status.WAIVED, Status.NOT_APPLICABLE})


class EvidenceStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class EventKind(models.TextChoices):
    DUE = "due", "Became due"
    SUBMITTED = "submitted", "Evidence submitted"
    VERIFIED = "verified", "Evidence verified"
    REJECTED = "rejected", "Evidence rejected"
    WAIVED = "waived", "Waived"


class FileKind(models.TextChoices):
    """The kinds of file accepted as evidence, told apart by their content."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document (DOCX)"
    XLSX = "xlsx", "Excel workbook (XLSX)"
    ODT = "odt", "OpenDocument text (ODT)"
    PNG = "png", "PNG image"


MEDIA_TYPES: dict[str, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.ODT: "application/vnd.oasis.opendocument.text",
    FileKind.PNG: "image/png",
}

# Status tag colours on pages (GOV.UK tag modifiers).
STATUS_COLOURS = {
    Status.NOT_STARTED: "grey",
    Status.SUBMITTED: "blue",
    Status.MET: "green",
    Status.REJECTED: "red",
    Status.WAIVED: "yellow",
    Status.EXPIRED: "orange",
    Status.NOT_APPLICABLE: "grey",
}
