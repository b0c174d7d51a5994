"""The board's decision on a service: recorded once, never changed, corrected by a new one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from osr.core.refusals import Conflicting

from ..choices import PASSING, Outcome
from .boards import AgendaItem


class Decision(models.Model):
    """The outcome the chair recorded for a service at a board, with its summary.

    Never changed once recorded: a correction is a new decision whose
    ``corrects`` names this one, and the newest decision not corrected is the
    one in force.
    """

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    summary = models.TextField()
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item.service}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Conflicting("A recorded outcome never changes: record a correction instead")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url() + f"#decision-{self.pk}"

    @property
    def owning_group_id(self) -> int:
        return self.item.board.delivery_group_id

    @property
    def passed(self) -> bool:
        return self.outcome in PASSING

    def delete(self, *args, **kwargs):
        raise Conflicting("A recorded outcome is never deleted: record a correction instead")
