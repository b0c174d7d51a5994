"""The operations profile a team writes, the guide's versions and their approval, bulk exports."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from osr.catalogue.models import Service
from osr.core.refusals import Conflicting

from .choices import Approver, DpiaStatus, ExportStatus


class OperationsProfile(models.Model):
    """What a service team writes about running the service, as structured fields.

    Each group of fields feeds one section of the service operations guide, so
    that the guide can say which section is incomplete and what it lacks.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="operations_profile"
    )
    # 1. Document control
    review_cycle_months = models.PositiveSmallIntegerField(
        "Review the guide every (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    # 2. Service overview
    business_processes = models.TextField(
        "Business processes supported", help_text="One per line", blank=True
    )
    environment_urls = models.TextField(
        "URLs per environment",
        help_text="One per line, for example ‘Production: https://…’",
        blank=True,
    )
    # 3. Criticality and outage impact
    outage_impact = models.TextField(
        "Harm if the service is unavailable",
        help_text="Who is affected, how badly, and how soon",
        blank=True,
    )
    # 7. Support model and hours
    support_tiers = models.TextField(
        "Support tiers", help_text="Who handles first, second and third line", blank=True
    )
    out_of_hours_cover = models.TextField("Out-of-hours cover", blank=True)
    on_call = models.TextField("On-call arrangements", blank=True)
    # 8. Service levels
    availability_target = models.DecimalField(
        "Availability target (%)",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="For example 99.9",
    )
    slos = models.TextField("Service level objectives", help_text="One per line", blank=True)
    measured_how = models.TextField("How service levels are measured", blank=True)
    supplier_targets = models.TextField("Supplier contract targets", blank=True)
    # 9. Monitoring, alerting and reporting
    health_checks = models.TextField("Health checks", blank=True)
    alerting = models.TextField("Alerts and who receives them", blank=True)
    # 10. Incident management and escalation
    severities = models.TextField(
        "Incident severities", help_text="One per line, with what each means", blank=True
    )
    escalation_path = models.TextField("Escalation path", blank=True)
    communications = models.TextField(
        "Communications during an incident", help_text="Who is told, how and when", blank=True
    )
    post_incident_reviews = models.TextField("Post-incident reviews", blank=True)
    # 11. Change and release
    release_frequency = models.CharField("Release frequency", max_length=200, blank=True)
    standard_changes = models.TextField("Standard changes", help_text="One per line", blank=True)
    # 12. Runbooks and known errors
    known_errors = models.TextField(
        "Known errors and workarounds",
        help_text="One per line: the error, then its workaround. Write ‘None known’ if so",
        blank=True,
    )
    # 13. Continuity, disaster recovery and backup
    rto = models.DurationField(
        "Recovery time objective (RTO)",
        null=True,
        blank=True,
        help_text="For example ‘4 hours’ or ‘30 minutes’",
    )
    rpo = models.DurationField(
        "Recovery point objective (RPO)",
        null=True,
        blank=True,
        help_text="For example ‘15 minutes’ or ‘1 day’",
    )
    disaster_definition = models.TextField("What counts as a disaster", blank=True)
    recovery_invoked_by = models.TextField("Who invokes recovery", blank=True)
    recovery_steps = models.TextField("Recovery steps", help_text="One per line", blank=True)
    backup_arrangements = models.TextField("Backups", blank=True)
    last_dr_test = models.DateField(
        "Date of the last disaster recovery test", null=True, blank=True
    )
    # 14. Capacity and performance
    load_tested_to = models.TextField("Load tested to", blank=True)
    scaling = models.TextField("How the service scales", blank=True)
    # 15. Security and access
    access_arrangements = models.TextField(
        "Access arrangements", help_text="Who has access to what, and how it is granted", blank=True
    )
    last_penetration_test = models.DateField(
        "Date of the last penetration test", null=True, blank=True
    )
    # 16. Data protection
    personal_data_held = models.TextField(
        "Personal data held", help_text="Write ‘None’ if the service holds none", blank=True
    )
    dpia_status = models.CharField(
        "Data protection impact assessment (DPIA)",
        max_length=20,
        choices=DpiaStatus.choices,
        blank=True,
    )
    # 19. Acceptance and transition
    knowledge_transfer = models.TextField("Knowledge transfer", blank=True)
    early_life_support = models.TextField("Early-life support", blank=True)

    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Operations profile of {self.service}"

    def get_absolute_url(self) -> str:
        return reverse("guides:profile", args=[self.service.slug])

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id


class VersionFrozen(Exception):
    """An approved version of a guide never changes and is never deleted."""


class ApprovalRefused(Conflicting):
    """The version cannot be approved now; the message says why (409)."""

    def body(self) -> dict:
        return {"detail": self.message}


def protect_approved(collector, field, sub_objs, using) -> None:
    """Deleting a service deletes its draft guides; an approved one is kept for ever."""
    approved = {version for version in sub_objs if version.approved_at is not None}
    if approved:
        raise models.ProtectedError(
            f"{len(approved)} approved version(s) of its operations guide are kept for ever",
            approved,
        )
    models.CASCADE(collector, field, sub_objs, using)


class GuideVersion(models.Model):
    """A numbered version of a service's operations guide, as assembled when generated.

    ``data`` holds the whole document, so every format can be rendered from it
    for ever. The OSR manager and the live services manager of the service's
    delivery group each approve it; once both have, it never changes.
    """

    service = models.ForeignKey(Service, on_delete=protect_approved, related_name="guide_versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    # A hash of what the guide was built from, to tell when the guide is out of date.
    fingerprint = models.CharField(max_length=64)
    complete = models.BooleanField(default=False)
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    osr_manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    osr_manager_approver = models.CharField(max_length=200, blank=True)
    osr_manager_approved_at = models.DateTimeField(null=True, blank=True)
    live_services_manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    live_services_manager_approver = models.CharField(max_length=200, blank=True)
    live_services_manager_approved_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="guide_version_number_once")
        ]
        indexes = [models.Index(fields=["service", "approved_at", "number"])]

    def __str__(self) -> str:
        return f"{self.service} operations guide, version {self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and _stored_approved(self.pk):
            raise VersionFrozen(f"Version {self.number} is approved and cannot change")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("guides:version", args=[self.service.slug, self.number])

    def delete(self, *args, **kwargs):
        if self.pk is not None and _stored_approved(self.pk):
            raise VersionFrozen(f"Version {self.number} is approved and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    @property
    def status(self) -> str:
        return "Approved" if self.approved else "Draft"

    def approval_by(self, role: str) -> tuple[str, object] | None:
        """Who approved the version in ``role``, and when, or None."""
        at = getattr(self, f"{role}_approved_at")
        return (getattr(self, f"{role}_approver"), at) if at else None

    def approve(self, *, by, roles: list[str], critical_incomplete: list[str], now=None) -> None:
        """Record ``by``'s approval in each of ``roles`` not yet approved.

        ``roles`` are the approver roles ``by`` holds for the service's group;
        ``critical_incomplete`` the sections a critical service still lacks.
        The version becomes approved, and frozen, once both roles have approved.
        """
        now = now or timezone.now()
        with transaction.atomic():
            locked = GuideVersion.objects.select_for_update().get(pk=self.pk)
            if locked.approved:
                raise ApprovalRefused(f"Version {locked.number} is already approved")
            latest = (
                GuideVersion.objects.filter(service_id=locked.service_id)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            if latest != locked.number:
                raise ApprovalRefused(
                    f"Version {locked.number} is superseded by version {latest}: approve that"
                )
            if critical_incomplete:
                raise ApprovalRefused(
                    "A critical service's guide needs these sections complete before approval: "
                    + ", ".join(critical_incomplete)
                )
            pending = [role for role in roles if locked.approval_by(role) is None]
            if not pending:
                raise ApprovalRefused(f"You have already approved version {locked.number}")
            name = _name_of(by)
            for role in pending:
                setattr(locked, f"{role}_approved_by", by)
                setattr(locked, f"{role}_approver", name)
                setattr(locked, f"{role}_approved_at", now)
            if all(locked.approval_by(role) for role in Approver.values):
                locked.approved_at = now
            locked.save()
        for field in [f.attname for f in self._meta.concrete_fields]:
            setattr(self, field, getattr(locked, field))


class GuideExport(models.Model):
    """A bulk export of the approved guides of every live service as one zip, and its progress."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    formats = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="guide-exports/", blank=True, max_length=300)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Export of live services' guides ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("guides:export", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else (100 if self.finished else 0)


def _stored_approved(pk: int) -> bool:
    return GuideVersion.objects.filter(pk=pk, approved_at__isnull=False).exists()


def _name_of(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_full_name() or user.get_username()
