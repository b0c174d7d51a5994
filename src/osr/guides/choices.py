"""Fixed values of the service operations guide. The section numbers and titles are public
contract: every rendering and every stored version uses them unchanged."""

from django.db import models

# The sections of the guide, in order (osr-requirements.md, "The service operations guide").
SECTIONS: tuple[tuple[int, str, str], ...] = (
    (1, "document-control", "Document control"),
    (2, "service-overview", "Service overview"),
    (3, "criticality", "Criticality and outage impact"),
    (4, "architecture", "Architecture and components"),
    (5, "dependencies", "Dependencies"),
    (6, "contacts", "Roles and contacts"),
    (7, "support", "Support model and hours"),
    (8, "service-levels", "Service levels"),
    (9, "monitoring", "Monitoring, alerting and reporting"),
    (10, "incidents", "Incident management and escalation"),
    (11, "change", "Change and release"),
    (12, "runbooks", "Runbooks and known errors"),
    (13, "continuity", "Continuity, disaster recovery and backup"),
    (14, "capacity", "Capacity and performance"),
    (15, "security", "Security and access"),
    (16, "data-protection", "Data protection"),
    (17, "suppliers", "Suppliers and contracts"),
    (18, "myit", "MyIT record"),
    (19, "acceptance", "Acceptance and transition"),
)

# A critical service's guide cannot be approved until these are complete.
REQUIRED_WHEN_CRITICAL = (8, 10, 13)


class DpiaStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required: no personal data"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Format(models.TextChoices):
    HTML = "html", "HTML"
    DOCX = "docx", "Word (DOCX)"
    PDF = "pdf", "PDF"
    MD = "md", "Markdown"


MEDIA_TYPES = {
    Format.HTML: "text/html; charset=utf-8",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.PDF: "application/pdf",
    Format.MD: "text/markdown; charset=utf-8",
}


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class Approver(models.TextChoices):
    """The two roles whose approval makes a version approved."""

    OSR_MANAGER = "osr_manager", "OSR manager"
    LIVE_SERVICES_MANAGER = "live_services_manager", "Live services manager"
