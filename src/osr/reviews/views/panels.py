"""The review board and rehearsal sections of the service page."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from osr.core.shortcuts import day

from ..board_rules import board_need, board_passed, rehearsals_run
from ..choices import OUTCOME_COLOURS, ActionStatus
from ..models import Action, AgendaItem, Decision, Rehearsal
from ..readiness_checks import load_board_records, load_rehearsals

REHEARSALS_SHOWN = 10


def board_panel(request, service) -> dict:
    """Where the service stands with review boards: need, boards, decisions, open actions."""
    today = timezone.localdate()
    record = load_board_records([service.pk]).get(service.pk)
    passed, reason = board_passed(record, today)
    in_force = Decision.objects.filter(corrected_by__isnull=True)
    items = (
        AgendaItem.objects.filter(service=service)
        .select_related("board")
        .prefetch_related(Prefetch("decisions", queryset=in_force, to_attr="in_force"))
        .order_by("-board__starts_at", "-id")
    )
    actions = Action.objects.filter(service=service, status=ActionStatus.OPEN).select_related(
        "owner"
    )
    return {
        "position": "top",
        "service": service,
        "need": board_need(service.phase, record, today),
        "passed": passed,
        "reason": reason,
        "agenda": list(items),
        "actions": list(actions.order_by("due_on", "id")),
        "colours": OUTCOME_COLOURS,
        "today": today,
        "day": day,
        "may_schedule": request.user.has_perm("reviews.add_agendaitem", service),
    }


def rehearsals_panel(request, service) -> dict:
    """The service's rehearsals, and whether they meet LV-3."""
    today = timezone.localdate()
    met, reason = rehearsals_run(load_rehearsals([service.pk]).get(service.pk, ()), today)
    rehearsals = Rehearsal.objects.filter(service=service).order_by("-held_on", "-id")
    return {
        "service": service,
        "met": met,
        "reason": reason,
        "rehearsals": list(rehearsals[:REHEARSALS_SHOWN]),
        "day": day,
        "may_add": request.user.has_perm("reviews.add_rehearsal", service),
    }
