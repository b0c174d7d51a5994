"""Each service's stored readiness result: what the portfolio lists, filters and counts.

Imported at the end of ``models.py`` so that Django finds it in the readiness app.
The rows are derived from evidence, waivers, the catalogue and the policy, and are
rewritten whenever one of those changes (see ``results``); they are not audited,
as nobody edits them.
"""

from __future__ import annotations

from django.db import models

from osr.catalogue.models import Service


class ReadinessResult(models.Model):
    """One service's evaluation as last stored, with the columns lists filter and sort on.

    ``detail`` holds the whole evaluation (each requirement, each gate, the
    blockers) and ``flags`` the portfolio's flags; the row no longer counts once
    ``stale`` is set, the policy's digest differs, or ``changes_on`` has come.
    ``generation`` counts the changes that marked it stale (see ``result_store``).
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="readiness_result"
    )
    policy_version = models.CharField(max_length=50)
    policy_digest = models.CharField(max_length=64)
    evaluated_on = models.DateField()
    # The first day the result may read differently with nothing else changed: an
    # evidence or waiver expiry, an effective date, a live-data due date, a contract's dates.
    changes_on = models.DateField(null=True, blank=True)
    stale = models.BooleanField(default=False)
    # Raised by every change to what the result was evaluated from: an evaluation is
    # stored only over the generation it read before loading its inputs, so one
    # loaded before a change never overwrites the row that change marked stale.
    generation = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=20)
    next_phase = models.CharField(max_length=20, blank=True)
    ready = models.BooleanField()
    percent = models.PositiveSmallIntegerField()
    blocker_count = models.PositiveSmallIntegerField(default=0)
    live_data_flagged = models.BooleanField(default=False)
    live_data_overdue = models.BooleanField(default=False)
    live_data_due = models.DateField(null=True, blank=True)
    detail = models.JSONField(default=dict)
    flags = models.JSONField(default=list)  # [[text, colour], …]

    class Meta:
        indexes = [
            # Counting the portfolio reads this index alone, never the stored evaluations.
            models.Index(
                fields=["ready", "live_data_flagged", "live_data_overdue"],
                name="readiness_result_counts",
            ),
            models.Index(
                fields=["stale", "policy_digest", "evaluated_on", "changes_on"],
                name="readiness_result_current",
            ),
        ]

    def __str__(self) -> str:
        return f"Readiness of {self.service_id} on {self.evaluated_on}"
