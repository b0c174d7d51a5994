"""Readiness over time: daily snapshots, planned phase dates and campaigns.

Imported at the end of ``models.py`` so that Django finds them in the
readiness app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from osr.catalogue.models import DeliveryGroup, Service


class ReadinessSnapshot(models.Model):
    """One service's readiness as it stood at the end of one day, under the policy of that day.

    Written once and never recalculated, so a past day's picture survives a later
    change of policy or a correction of evidence.
    """

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="readiness_snapshots"
    )
    day = models.DateField()
    policy_version = models.CharField(max_length=50)
    phase = models.CharField(max_length=20)
    delivery_group = models.ForeignKey(
        DeliveryGroup, on_delete=models.CASCADE, related_name="readiness_snapshots"
    )
    statuses = models.JSONField(default=dict)  # requirement ID -> status
    coming = models.JSONField(default=list)  # requirement IDs not yet in force
    gates = models.JSONField(default=dict)  # gate ID -> satisfied
    met = models.PositiveIntegerField(default=0)  # requirements satisfied, in force
    counted = models.PositiveIntegerField(default=0)  # requirements applicable, in force
    ready = models.BooleanField(default=False)  # nothing blocked its next phase
    live_data_outstanding = models.BooleanField(default=False)

    class Meta:
        ordering = ["day", "service_id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "day"], name="one_snapshot_per_service_day")
        ]
        indexes = [models.Index(fields=["day", "delivery_group"])]

    def __str__(self) -> str:
        return f"{self.service} on {self.day}"

    @property
    def owning_group_id(self) -> int:
        return self.delivery_group_id


class PhasePlan(models.Model):
    """The day a service's team plans to enter its next phase."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phase_plans")
    phase = models.CharField(max_length=20)
    planned_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["planned_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "phase"], name="one_plan_per_service_phase")
        ]

    def __str__(self) -> str:
        return f"{self.service} plans {self.phase} by {self.planned_on}"

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id


class Campaign(models.Model):
    """A drive to bring every service in scope up to one requirement by a target date."""

    title = models.CharField(max_length=200)
    requirement_id = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    target_date = models.DateField()
    groups = models.ManyToManyField(DeliveryGroup, blank=True, related_name="campaigns")
    phases = models.JSONField(default=list, blank=True)  # empty: every phase
    critical_only = models.BooleanField(default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    last_reminded_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    # What the closing report says, as it stood when the campaign closed.
    closing_figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("readiness:campaign", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
