"""What OSR keeps about MyIT: the records it owns there, its syncs, and what MyIT holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from osr.catalogue.models import Service

from .choices import SyncStatus


class MyitRecord(models.Model):
    """A record OSR keeps in MyIT for a service: its table and sys_id.

    ``key`` names it within the service (``service``, ``offering``,
    ``component:12``, ``group:support``, ``relationship:offering>component:12``),
    so that a sync finds it again by sys_id before anything else.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="myit_records")
    key = models.CharField(max_length=300)
    table = models.CharField(max_length=80)
    sys_id = models.CharField(max_length=32)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service", "key"]
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="myit_record_once_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.key} ({self.table} {self.sys_id})"


class SyncRun(models.Model):
    """One sync of a service to MyIT, or a dry run: who asked, when, and what it did.

    ``differences`` lists each record created, changed, retired or deleted
    (or, in a dry run, that would be); ``written`` and ``not_written`` the keys
    of the records written and of those left for the next run, with why.

    A service has at most one run queued or running, whether sync or dry run:
    the database refuses a second, so two syncs of a service never run at once.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="myit_syncs")
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=SyncStatus.choices, default=SyncStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    differences = models.JSONField(default=list, blank=True)
    written = models.JSONField(default=list, blank=True)
    not_written = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["service", "-queued_at", "-id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status__in=[SyncStatus.QUEUED, SyncStatus.RUNNING]),
                name="myit_one_active_sync_per_service",
            )
        ]

    def __str__(self) -> str:
        kind = "Dry run" if self.dry_run else "Sync"
        return f"{kind} of {self.service} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("myit:run", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (SyncStatus.SUCCEEDED, SyncStatus.FAILED)


class MyitSnapshot(models.Model):
    """What MyIT held for a service after its last sync; the automatic checks read it."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="myit_snapshot")
    taken_at = models.DateTimeField(default=timezone.now)
    held = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"MyIT for {self.service} at {self.taken_at:%Y-%m-%d %H:%M}"
