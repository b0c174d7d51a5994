"""Evidence, its verification, waivers, the history of each requirement and gate decisions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from osr.catalogue.models import Service
from osr.core.refusals import Conflicting

from .choices import EventKind, EvidenceStatus, FileKind


class NotAwaitingReview(Conflicting):
    """Evidence that was already verified or rejected cannot be reviewed again (409)."""

    def body(self) -> dict:
        return {"detail": self.message}


def evidence_path(instance: Evidence, filename: str) -> str:
    """Where an uploaded file is stored: a name of our own, never the uploader's."""
    return f"evidence/{instance.service_id}/{uuid.uuid4().hex}.{instance.file_type}"


class Evidence(models.Model):
    """What a delivery team submitted for one requirement of a service, and its review."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="evidence")
    requirement_id = models.CharField(max_length=20)
    status = models.CharField(
        max_length=20, choices=EvidenceStatus.choices, default=EvidenceStatus.SUBMITTED
    )
    attestation = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True)
    file = models.FileField(upload_to=evidence_path, blank=True, max_length=300)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=10, choices=FileKind.choices, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    evidence_date = models.DateField(null=True, blank=True)
    pack_version = models.CharField(max_length=50, blank=True)
    pack_date = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    policy_version = models.CharField(max_length=50)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name_plural = "evidence"
        indexes = [
            models.Index(fields=["service", "requirement_id"]),
            models.Index(fields=["status", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id} evidence for {self.service}"

    def get_absolute_url(self) -> str:
        return reverse("readiness:requirement", args=[self.service.slug, self.requirement_id])

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id

    def verify(self, *, by, note: str = "", policy_version: str) -> None:
        """Mark the evidence verified, so that it meets its requirement, and record it."""
        self._review(EvidenceStatus.VERIFIED, EventKind.VERIFIED, by, note, policy_version)

    def reject(self, *, by, reason: str, policy_version: str) -> None:
        """Mark the evidence rejected, with the reason the team will see, and record it."""
        if not reason.strip():
            raise ValueError("a rejection needs a reason")
        self._review(EvidenceStatus.REJECTED, EventKind.REJECTED, by, reason, policy_version)

    def _review(self, status: str, kind: str, by, note: str, policy_version: str) -> None:
        with transaction.atomic():
            locked = Evidence.objects.select_for_update().get(pk=self.pk)
            if locked.status != EvidenceStatus.SUBMITTED:
                raise NotAwaitingReview(
                    f"This evidence is already {locked.get_status_display().lower()}"
                )
            now = timezone.now()
            locked.status, locked.reviewed_by, locked.reviewed_at = status, _user(by), now
            locked.review_note = note.strip()
            locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
            RequirementEvent.objects.create(
                service_id=locked.service_id,
                requirement_id=locked.requirement_id,
                kind=kind,
                at=now,
                by=_user(by),
                note=locked.review_note,
                evidence=locked,
                policy_version=policy_version,
            )
        self.status, self.reviewed_by, self.reviewed_at = locked.status, locked.reviewed_by, now
        self.review_note = locked.review_note


class Waiver(models.Model):
    """A requirement the OSR manager waived for a service, with a reason and an optional expiry."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waivers")
    requirement_id = models.CharField(max_length=20)
    reason = models.TextField()
    expires_on = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    policy_version = models.CharField(max_length=50)

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["service", "requirement_id"])]

    def __str__(self) -> str:
        return f"{self.requirement_id} waived for {self.service}"

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id


class RequirementEvent(models.Model):
    """One step in the history of a requirement for a service: who did what, when."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="readiness_events")
    requirement_id = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    waiver = models.ForeignKey(
        Waiver, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    policy_version = models.CharField(max_length=50)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["service", "requirement_id", "at"])]

    def __str__(self) -> str:
        return f"{self.service}: {self.requirement_id} {self.get_kind_display().lower()}"


class GateDecision(models.Model):
    """A forward phase move the gates allowed (or an administrator forced), as evaluated then.

    Keeps the policy version and every requirement's status, so that an old
    decision can be explained after the policy or the evidence has changed.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="gate_decisions")
    from_phase = models.CharField(max_length=20)
    to_phase = models.CharField(max_length=20)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy_version = models.CharField(max_length=50)
    forced = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    statuses = models.JSONField(default=dict)  # requirement ID -> status
    blockers = models.JSONField(default=list)  # [{"id", "reason"}] overridden when forced

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.service}: {self.from_phase} → {self.to_phase}"


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


from .history_models import Campaign, PhasePlan, ReadinessSnapshot  # noqa: E402, F401
from .result_models import ReadinessResult  # noqa: E402, F401
