"""Readiness over time: each service's picture of a day, rebuilt from what OSR recorded.

A day's picture is replayed from the records that carry their own dates — the
phase history, evidence submitted and reviewed, waivers granted — and evaluated
under the policy in force when the snapshot is taken. The snapshot is then
stored and never recalculated: a later policy change or correction leaves the
past as it was seen. Automatic checks decide from what their apps know now,
which is the best OSR has for a day before snapshots were kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from osr.catalogue.models import PhaseChange, Service

from .checks import registered_checks
from .engine import Evaluation, evaluate
from .facts import EvidenceFacts
from .loading import Loaded, load
from .models import ReadinessSnapshot
from .policy import Policy, active_policy


@dataclass(frozen=True)
class Timeline:
    """When a service came into the catalogue and each phase it entered, oldest first."""

    since: dt.date
    moves: tuple[tuple[dt.date, str, str], ...]  # (day, from phase, to phase)

    def phase_on(self, day: dt.date, current: str) -> tuple[str, dt.date]:
        """The phase the service was in at the end of ``day``, and since when."""
        # Before its first recorded move, the service was in the phase that move left.
        phase = (self.moves[0][1] or self.moves[0][2]) if self.moves else current
        since = self.since
        for moved_on, _from, to in self.moves:
            if moved_on > day:
                break
            phase, since = to, moved_on
        return phase, since


def timelines(services: QuerySet[Service]) -> dict[int, Timeline]:
    """Each service's timeline, in two queries whatever the number of services."""
    tz = timezone.get_current_timezone()
    created = {pk: when.astimezone(tz).date() for pk, when in services.values_list("id", "created")}
    moves: dict[int, list[tuple[dt.date, str, str]]] = {}
    for service_id, from_phase, to_phase, changed_at in (
        PhaseChange.objects.filter(service_id__in=services.order_by().values("id"))
        .values_list("service_id", "from_phase", "to_phase", "changed_at")
        .order_by("changed_at", "id")
    ):
        moves.setdefault(service_id, []).append(
            (changed_at.astimezone(tz).date(), from_phase, to_phase)
        )
    found = {}
    for pk, made in created.items():
        mine = tuple(moves.get(pk, ()))
        found[pk] = Timeline(min([made, *(m[0] for m in mine[:1])]), mine)
    return found


def as_of(loaded: Loaded, timeline: Timeline, day: dt.date) -> Loaded | None:
    """The service as OSR knew it at the end of ``day``, or ``None`` before it was catalogued."""
    if day < timeline.since:
        return None
    phase, since = timeline.phase_on(day, loaded.facts.phase)
    facts = loaded.facts
    live_since = facts.live_data_since
    uses_live_data = facts.uses_live_data and (live_since is None or live_since <= day)
    evidence = [
        item if item.reviewed_on is not None and item.reviewed_on <= day else _awaiting(item)
        for item in loaded.evidence
        if item.submitted_on <= day
    ]
    return replace(
        loaded,
        facts=replace(
            facts,
            phase=phase,
            phase_since=since,
            uses_live_data=uses_live_data,
            entered={p: d for p, d in facts.entered.items() if d <= day},
        ),
        evidence=evidence,
        waivers=[w for w in loaded.waivers if w.granted_on <= day],
    )


def _awaiting(item: EvidenceFacts) -> EvidenceFacts:
    return replace(item, status="submitted", reviewed_on=None, note="")


def snapshot_of(loaded: Loaded, evaluation: Evaluation, day: dt.date) -> ReadinessSnapshot:
    """The row that keeps one evaluation."""
    in_force = [r for r in evaluation.requirements if not r.coming]
    counted = [r for r in in_force if r.status != "not_applicable"]
    return ReadinessSnapshot(
        service_id=loaded.service_id,
        delivery_group_id=loaded.group_id,
        day=day,
        policy_version=evaluation.policy_version,
        phase=evaluation.phase,
        statuses={r.id: r.status for r in evaluation.requirements},
        coming=[r.id for r in evaluation.requirements if r.coming],
        gates={g.id: g.satisfied for g in evaluation.gates},
        met=sum(1 for r in counted if r.satisfied),
        counted=len(counted),
        ready=evaluation.ready,
        live_data_outstanding=evaluation.live_data_flagged,
    )


def record_snapshots(
    days: Iterable[dt.date],
    *,
    services: QuerySet[Service] | None = None,
    policy: Policy | None = None,
) -> int:
    """Store each service's picture of each day not stored yet; the number written.

    A day already stored is kept as it is: what was seen then is not rewritten.
    """
    services = services if services is not None else Service.objects.order_by("id")
    policy, checks = policy or active_policy(), registered_checks()
    wanted = sorted(set(days))
    if not wanted:
        return 0
    stored = set(
        ReadinessSnapshot.objects.filter(
            day__gte=wanted[0], day__lte=wanted[-1], service__in=services.order_by().values("id")
        ).values_list("service_id", "day")
    )
    loaded, lines = load(services), timelines(services)
    rows = []
    for item in loaded:
        for day in wanted:
            if (item.service_id, day) in stored:
                continue
            then = as_of(item, lines[item.service_id], day)
            if then is None:
                continue
            evaluation = evaluate(
                policy, then.facts, then.evidence, then.waivers, day, checks=checks
            )
            rows.append(snapshot_of(then, evaluation, day))
    with transaction.atomic():
        ReadinessSnapshot.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def backfill_days(today: dt.date, *, weeks: int, daily: int = 14) -> list[dt.date]:
    """One day a week back ``weeks`` weeks, then every day of the last ``daily``."""
    weekly = [today - dt.timedelta(weeks=n) for n in range(weeks, 0, -1)]
    recent = [today - dt.timedelta(days=n) for n in range(daily, -1, -1)]
    return sorted(set(weekly + recent))


def record_yesterday(*, today: dt.date) -> dict[str, int]:
    """The daily job: every service's picture of yesterday, as the day closed."""
    return {"snapshots": record_snapshots([today - dt.timedelta(days=1)])}
