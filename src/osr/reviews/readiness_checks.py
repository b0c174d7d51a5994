"""LV-3 and LV-5, plugged into readiness's registry of automatic checks, and the
portfolio's flag on a service in beta that needs a review board.

Readiness names the checks in its policy; this module gives each its
implementation: ``load`` reads the board and rehearsal records of any number of
services in one query each, and ``decide`` applies the plain rule of
``decisions`` to them. The flag reads what ``load`` put in the service's facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from osr.readiness.checks import MET, NOT_MET, AutomaticCheck, CheckOutcome, register_check
from osr.readiness.facts import EvidenceFacts, ServiceFacts
from osr.readiness.flags import PortfolioFlag, register_portfolio_flag
from osr.readiness.triggers import refresh_when_saved

from .board_rules import BoardRecord, board_need, board_passed, rehearsals_run
from .models import AgendaItem, Decision, Rehearsal, ReviewBoard

BOARD_PASSED = "reviews.board_passed"
REHEARSALS = "rehearsals.incident_and_change"


def load_board_records(service_ids) -> dict[int, BoardRecord]:
    """Each service's decisions in force and the open boards it waits for, in one query.

    Every agenda item of the services, once per decision on it (once if none): a
    decision counts unless another corrects it; an item undecided and not
    withdrawn is a board the service waits for.
    """
    decisions: dict[int, list] = {}
    scheduled: dict[int, dict[int, dt.date]] = {}
    for item_id, service_id, decided, withdrawn, starts_at, decided_at, outcome, corrected in (
        AgendaItem.objects.filter(service_id__in=service_ids)
        .values_list(
            "id",
            "service_id",
            "decided",
            "withdrawn",
            "board__starts_at",
            "decisions__decided_at",
            "decisions__outcome",
            "decisions__corrected_by",
        )
        .order_by()
    ):
        board_day = timezone.localdate(starts_at)
        if decided_at is not None and corrected is None:
            decisions.setdefault(service_id, []).append(
                (timezone.localdate(decided_at), outcome, board_day)
            )
        if not decided and not withdrawn:
            scheduled.setdefault(service_id, {})[item_id] = board_day
    return {
        service_id: BoardRecord(
            tuple(sorted(decisions.get(service_id, ()))),
            tuple(sorted(scheduled.get(service_id, {}).values())),
        )
        for service_id in decisions.keys() | scheduled.keys()
    }


def load_rehearsals(service_ids) -> dict[int, list]:
    """Each service's rehearsals as (kind, day held), in one query."""
    held: dict[int, list] = {}
    for service_id, kind, held_on in Rehearsal.objects.filter(
        service_id__in=service_ids
    ).values_list("service_id", "kind", "held_on"):
        held.setdefault(service_id, []).append((kind, held_on))
    return held


def decide_board_passed(service: ServiceFacts, evidence: Sequence[EvidenceFacts], today):
    """LV-5: met by a green or amber outcome of the review board; red leaves it unmet."""
    met, reason = board_passed(service.extra.get(BOARD_PASSED), today)
    return CheckOutcome(MET if met else NOT_MET, reason)


def decide_rehearsals(service: ServiceFacts, evidence: Sequence[EvidenceFacts], today):
    """LV-3: met by an incident and a change rehearsal within the last 12 months."""
    met, reason = rehearsals_run(service.extra.get(REHEARSALS, ()), today)
    return CheckOutcome(MET if met else NOT_MET, reason)


def board_flag(service: ServiceFacts, today) -> PortfolioFlag | None:
    """The portfolio's flag on a service in beta that needs a board it does not have."""
    need = board_need(service.phase, service.extra.get(BOARD_PASSED), today)
    if need is None:
        return None
    return PortfolioFlag(need.text, "orange" if need.kind == "needed" else "red")


def register_with_readiness() -> None:
    register_portfolio_flag("reviews.board_needed", board_flag)
    # What the checks and the flag load: a change refreshes the services' stored readiness.
    refresh_when_saved(Decision, lambda decision: [decision.item.service_id])
    refresh_when_saved(AgendaItem, lambda item: [item.service_id])
    refresh_when_saved(Rehearsal, lambda rehearsal: [rehearsal.service_id])
    refresh_when_saved(
        ReviewBoard,
        lambda board: AgendaItem.objects.filter(board=board).values_list("service_id", flat=True),
    )
    register_check(
        AutomaticCheck(
            BOARD_PASSED,
            "The review board's outcome was green or amber",
            decide=decide_board_passed,
            load=load_board_records,
        )
    )
    register_check(
        AutomaticCheck(
            REHEARSALS,
            "An incident rehearsal and a change rehearsal were run",
            decide=decide_rehearsals,
            load=load_rehearsals,
        )
    )
