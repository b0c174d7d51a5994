"""Actions: a board's conditions and rehearsals' findings, each owned and tracked to closure."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from osr.catalogue.models import Person, Service
from osr.core.models import TimestampedModel
from osr.core.refusals import Conflicting
from osr.core.shortcuts import day

from ..choices import ActionSource, ActionStatus


class Action(TimestampedModel):
    """Something a service's team must do by a date: a condition of an amber outcome, or
    what a rehearsal found. Open until closed, with reminders before and after it is due."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="review_actions")
    source = models.CharField(max_length=20, choices=ActionSource.choices)
    decision = models.ForeignKey(
        "reviews.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    finding = models.OneToOneField(
        "reviews.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="action"
    )
    description = models.TextField()
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="review_actions")
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    reminded_before_on = models.DateField(null=True, blank=True)
    reminded_after_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on", "id"])]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("reviews:action", args=[self.pk])

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today

    def close(self, *, by, note: str = "") -> None:
        """Close an open action, saying how it was done."""
        with transaction.atomic():
            locked = Action.objects.select_for_update().get(pk=self.pk)
            if locked.status != ActionStatus.OPEN:
                raise Conflicting(f"This action is already {locked.get_status_display().lower()}")
            locked.status = ActionStatus.CLOSED
            locked.closed_at = timezone.now()
            locked.closed_by = by if getattr(by, "is_authenticated", False) else None
            locked.closing_note = note.strip()
            locked.save(
                update_fields=["status", "closed_at", "closed_by", "closing_note", "updated"]
            )
        self.status, self.closed_at = locked.status, locked.closed_at
        self.closed_by, self.closing_note = locked.closed_by, locked.closing_note

    def withdraw(self) -> None:
        """Withdraw an open condition replaced by a correction to the decision that set it."""
        self.status = ActionStatus.WITHDRAWN
        self.closed_at = timezone.now()
        self.closing_note = f"Replaced by the correction of {day(timezone.localdate())}"
        self.save(update_fields=["status", "closed_at", "closing_note", "updated"])

    def mark_reminded(self, kind: str, today: dt.date) -> None:
        """Note that today's reminder went, so that it is not sent twice."""
        field = "reminded_before_on" if kind == "before" else "reminded_after_on"
        setattr(self, field, today)
        self.save(update_fields=[field, "updated"])
