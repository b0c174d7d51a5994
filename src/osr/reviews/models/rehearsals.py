"""Live service rehearsals of an incident or a change, and what they found (LV-3)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, transaction

from osr.catalogue.models import Person, Service
from osr.core.models import TimestampedModel
from osr.core.refusals import Conflicting, Refusal
from osr.core.shortcuts import day

from ..choices import ActionSource, RehearsalKind
from .actions import Action


class Rehearsal(TimestampedModel):
    """A rehearsal the team ran of handling an incident or making a change on the live service."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rehearsals")
    kind = models.CharField(max_length=20, choices=RehearsalKind.choices)
    held_on = models.DateField()
    scenario = models.TextField()
    participants = models.TextField(help_text="Who took part, one a line")
    outcome = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["service", "kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} rehearsal on {day(self.held_on)}"

    @property
    def owning_group_id(self) -> int:
        return self.service.delivery_group_id

    @property
    def participant_names(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class Finding(models.Model):
    """Something a rehearsal showed needs doing; it may become an action."""

    rehearsal = models.ForeignKey(Rehearsal, on_delete=models.CASCADE, related_name="findings")
    description = models.TextField()

    class Meta:
        ordering = ["rehearsal", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def owning_group_id(self) -> int:
        return self.rehearsal.service.delivery_group_id

    def raise_action(self, *, owner: Person, due_on: dt.date, by, today: dt.date) -> Action:
        """Make the finding an action with an owner and a due date; once only."""
        if due_on < today:
            raise Refusal({"due_on": ["The due date cannot be in the past"]})
        with transaction.atomic():
            if Action.objects.filter(finding=self).exists():
                raise Conflicting("This finding is already an action")
            return Action.objects.create(
                service_id=self.rehearsal.service_id,
                source=ActionSource.FINDING,
                finding=self,
                description=self.description,
                owner=owner,
                due_on=due_on,
                raised_by=by if getattr(by, "is_authenticated", False) else None,
            )
