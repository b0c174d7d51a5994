"""Forecasts: will a service make the date its team planned for its next phase?

The pace is the requirements the service met over the last weeks, read from
its snapshots; what is left is what blocks its next phase today. At that pace
the remaining requirements are met on the projected day, and the service is on
track while that day is no later than the planned one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from osr.catalogue.models import Service
from osr.core.refusals import Invalid

from .engine import Evaluation, next_phase_of
from .models import PhasePlan, ReadinessResult, ReadinessSnapshot
from .portfolio import PortfolioRow, listed, rows_of
from .results import ensure_current

PACE_WEEKS = 8  # how far back the pace of evidence is measured


@dataclass(frozen=True)
class Outlook:
    """Where a plan stands: the projected day (if any pace), and whether it is on track."""

    on_track: bool
    projected: dt.date | None
    pace: float  # requirements met a week
    remaining: int
    reason: str


def outlook(
    *, remaining: int, met_now: int, met_then: int | None, weeks: int, planned_on: dt.date,
    today: dt.date,
) -> Outlook:  # fmt: skip
    """The outlook of a plan, from what is left and how fast requirements were met lately."""
    pace = max(met_now - met_then, 0) / weeks if met_then is not None and weeks else 0.0
    if remaining == 0:
        return Outlook(True, today, pace, 0, "Nothing blocks the next phase")
    if planned_on < today:
        return Outlook(
            False,
            None,
            pace,
            remaining,
            f"The planned date has passed with "
            f"{remaining} requirement{'s' if remaining != 1 else ''} to meet",
        )
    if pace == 0:
        return Outlook(
            False,
            None,
            pace,
            remaining,
            f"No requirement met in the last {weeks} weeks, and {remaining} to meet",
        )
    projected = today + dt.timedelta(days=math.ceil(7 * remaining / pace))
    if projected <= planned_on:
        return Outlook(True, projected, pace, remaining, "At its pace it meets the rest in time")
    return Outlook(False, projected, pace, remaining, f"At {pace:.1f} requirements a week "
                   f"the rest are met around {projected:%-d %B %Y}")  # fmt: skip


@dataclass(frozen=True)
class Forecast:
    """A service with a planned date for its next phase, and its outlook."""

    row: PortfolioRow  # the service's names and its stored evaluation
    evaluation: Evaluation
    plan: PhasePlan
    outlook: Outlook


def met_of(evaluation: Evaluation) -> int:
    """Requirements satisfied and in force, as a snapshot counts them."""
    return sum(
        1
        for r in evaluation.requirements
        if not r.coming and r.status != "not_applicable" and r.satisfied
    )


def forecasts(services: QuerySet[Service], *, today: dt.date) -> list[Forecast]:
    """Every service of the queryset that planned its next phase, in a fixed number of queries.

    Only services with a plan are looked at, and their readiness is read from the
    stored results, so a home page of a large estate pays a few queries.
    """
    planned = services.filter(phase_plans__isnull=False).distinct().order_by()
    ensure_current(planned, today=today)
    rows = rows_of(listed(ReadinessResult.objects.filter(service__in=planned)))
    ids = [row.service_id for row in rows]
    plans: dict[tuple[int, str], PhasePlan] = {
        (plan.service_id, plan.phase): plan for plan in PhasePlan.objects.filter(service_id__in=ids)
    }
    since = today - dt.timedelta(weeks=PACE_WEEKS)
    then: dict[int, tuple[dt.date, int]] = {}
    for service_id, day, met in (
        ReadinessSnapshot.objects.filter(service_id__in=ids, day__lte=since)
        .filter(day__gt=since - dt.timedelta(weeks=2))
        .values_list("service_id", "day", "met")
        .order_by("day")
    ):
        then[service_id] = (day, met)  # the latest on or before the start of the pace
    found = []
    for row in rows:
        evaluation = row.evaluation
        plan = plans.get((row.service_id, evaluation.next_phase or ""))
        if plan is None:
            continue
        met_then = then.get(row.service_id, (None, None))[1]
        found.append(
            Forecast(
                row,
                evaluation,
                plan,
                outlook(
                    remaining=len(evaluation.blockers),
                    met_now=met_of(evaluation),
                    met_then=met_then,
                    weeks=PACE_WEEKS,
                    planned_on=plan.planned_on,
                    today=today,
                ),
            )
        )
    return found


def off_track(services: QuerySet[Service], *, today: dt.date) -> list[Forecast]:
    """The services that will not make their planned date, the soonest planned first."""
    late = [f for f in forecasts(services, today=today) if not f.outlook.on_track]
    return sorted(late, key=lambda f: (f.plan.planned_on, f.row.name))


def plan_next_phase(service: Service, *, planned_on: dt.date, by, today: dt.date) -> PhasePlan:
    """Record (or move) the day the team plans to enter the service's next phase."""
    next_phase = next_phase_of(service.phase)
    if next_phase is None:
        raise Invalid({"planned_on": ["The service has no next phase to plan"]})
    if planned_on < today:
        raise Invalid({"planned_on": ["The planned date must be today or in the future"]})
    with transaction.atomic():
        plan, _ = PhasePlan.objects.update_or_create(
            service=service,
            phase=next_phase,
            defaults={
                "planned_on": planned_on,
                "recorded_by": by if getattr(by, "is_authenticated", False) else None,
                "recorded_at": timezone.now(),
            },
        )
    return plan
