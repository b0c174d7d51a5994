"""Stored readiness results: each service's evaluation kept, so that lists read it, not redo it.

A result is re-evaluated once a change to anything it was evaluated from commits
(``triggers`` and the apps that register checks call ``results_changed``); in
bulk by ``osr readiness refresh`` after a new policy or release; by the daily job
(``refresh_due``), which brings every result to the new day; and by a reader,
first, whenever a result is missing or no longer counts: marked stale, stored
under another policy or engine, or past its ``changes_on`` (an expiry, effective
or due date, a contract's dates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from osr.catalogue.models import Service
from osr.catalogue.phase_hooks import Blocker

from .checks import registered_checks
from .engine import Evaluation, GateResult, RequirementResult, evaluate
from .flags import PortfolioFlag, flags_for
from .loading import Loaded, load
from .models import ReadinessResult
from .policy import Policy, active_policy

log = logging.getLogger(__name__)

# Services evaluated together when the whole estate is refreshed: bounds memory.
BATCH = 2000
# Past this many services, a change's refresh is left to the task worker: an import
# of thousands answers without evaluating them all first. The rows are stale in the
# meantime, and whatever reads one first evaluates it, so nothing shows a stale result.
IN_BACKGROUND_FROM = 200

_COLUMNS = [
    "policy_version",
    "policy_digest",
    "evaluated_on",
    "changes_on",
    "stale",
    "phase",
    "next_phase",
    "ready",
    "percent",
    "blocker_count",
    "live_data_flagged",
    "live_data_overdue",
    "live_data_due",
    "detail",
    "flags",
]


def _shape() -> str:
    # A result stored by another version of the engine (its fields changed) no longer counts.
    names = [
        f"{kind.__name__}:{','.join(f.name for f in dataclasses.fields(kind))}"
        for kind in (Evaluation, RequirementResult, GateResult, Blocker)
    ]
    return hashlib.sha256(";".join(names).encode()).hexdigest()[:8]


SHAPE = _shape()


def result_key(policy: Policy) -> str:
    """What a stored result must have been evaluated under to count: policy and engine."""
    return f"{policy.digest or policy.version}:{SHAPE}"


# --- to and from the stored row ----------------------------------------------------------


_FIELDS: dict[type, tuple[tuple[str, ...], frozenset[str]]] = {}


def _fields(kind: type) -> tuple[tuple[str, ...], frozenset[str]]:
    """The names of a dataclass's fields, and of those holding dates (kept: asked per row)."""
    known = _FIELDS.get(kind)
    if known is None:
        fields = dataclasses.fields(kind)
        dates = frozenset(f.name for f in fields if "dt.date" in str(f.type))
        known = _FIELDS[kind] = (tuple(f.name for f in fields), dates)
    return known


def _record(item: Any) -> dict[str, Any]:
    """A dataclass as JSON: dates as ISO text, tuples as lists."""
    record = {}
    for name in _fields(type(item))[0]:
        value = getattr(item, name)
        if value.__class__ is tuple:
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        record[name] = value
    return record


def _from_record(kind: type, record: dict[str, Any]) -> Any:
    """A dataclass of ``kind`` from its JSON record: dates parsed, lists made tuples.

    A field the stored record lacks keeps its default (such a row is re-evaluated
    anyway, as its engine shape differs).
    """
    names, dates = _fields(kind)
    values = {}
    for name, value in record.items():
        if name not in names:
            continue
        if value.__class__ is list:
            value = tuple(value)
        elif name in dates and value is not None:
            value = dt.date.fromisoformat(value)
        values[name] = value
    return kind(**values)


def detail_of(evaluation: Evaluation) -> dict[str, Any]:
    """The whole evaluation as JSON: its own fields, and every requirement, gate and blocker."""
    detail = _record(evaluation)
    detail["requirements"] = [_record(r) for r in evaluation.requirements]
    detail["gates"] = [_record(g) for g in evaluation.gates]
    detail["blockers"] = [_record(b) for b in evaluation.blockers]
    return detail


def evaluation_of(row: ReadinessResult) -> Evaluation:
    """The evaluation a stored row holds, as the engine gave it."""
    detail = dict(row.detail)
    parts = {
        "requirements": tuple(
            _from_record(RequirementResult, r) for r in detail.pop("requirements")
        ),
        "gates": tuple(_from_record(GateResult, g) for g in detail.pop("gates")),
        "blockers": tuple(_from_record(Blocker, b) for b in detail.pop("blockers")),
    }
    return _from_record(Evaluation, detail | parts)


def flags_of(row: ReadinessResult) -> list[PortfolioFlag]:
    return [PortfolioFlag(text, colour) for text, colour in row.flags]


def changes_on(
    loaded: Loaded, evaluation: Evaluation, policy: Policy, today: dt.date
) -> dt.date | None:
    """The first day after ``today`` on which the evaluation may differ by the date alone."""
    days = [r.expires_on for r in evaluation.requirements if r.expires_on]
    days += [r.effective_from for r in policy.requirements if r.effective_from]
    if evaluation.live_data_flagged and evaluation.live_data_due:
        days.append(evaluation.live_data_due + dt.timedelta(days=1))  # overdue from then
    for supplier in loaded.facts.suppliers:
        for start, end in supplier.contracts:
            days += [start, end + dt.timedelta(days=1)]
    ahead = [d for d in days if d > today]
    return min(ahead) if ahead else None


def row_of(
    loaded: Loaded, evaluation: Evaluation, policy: Policy, today: dt.date
) -> ReadinessResult:
    detail = detail_of(evaluation)
    return ReadinessResult(
        service_id=loaded.service_id,
        policy_version=policy.version,
        policy_digest=result_key(policy),
        evaluated_on=today,
        changes_on=changes_on(loaded, evaluation, policy, today),
        stale=False,
        phase=evaluation.phase,
        next_phase=evaluation.next_phase or "",
        ready=evaluation.ready,
        percent=evaluation.percent,
        blocker_count=len(evaluation.blockers),
        live_data_flagged=evaluation.live_data_flagged,
        live_data_overdue=evaluation.live_data_overdue,
        live_data_due=evaluation.live_data_due,
        detail=detail,
        flags=[[f.text, f.colour] for f in flags_for(loaded.facts, today)],
    )


# --- refreshing ----------------------------------------------------------------------------


def refresh(services: QuerySet[Service], *, today: dt.date, policy: Policy | None = None) -> int:
    """Evaluate the services and store their results, in one transaction; the number stored."""
    policy, checks = policy or active_policy(), registered_checks()
    rows = [
        row_of(
            item,
            evaluate(policy, item.facts, item.evidence, item.waivers, today, checks=checks),
            policy,
            today,
        )
        for item in load(services.order_by("id"))
    ]
    with transaction.atomic():
        ReadinessResult.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["service"],
            update_fields=_COLUMNS,
        )
    return len(rows)


def refresh_ids(service_ids: Iterable[int], *, today: dt.date | None = None) -> int:
    """Refresh the results of these services (those still in the catalogue)."""
    ids = sorted(set(service_ids))
    today = today or timezone.localdate()
    return sum(
        refresh(Service.objects.filter(pk__in=ids[start : start + BATCH]), today=today)
        for start in range(0, len(ids), BATCH)
    )


def refresh_all(*, today: dt.date) -> int:
    """Re-evaluate every service in batches: after a policy or engine change, or a bulk import."""
    ids = list(Service.objects.order_by("id").values_list("id", flat=True))
    return refresh_ids(ids, today=today)


def counting(policy: Policy, today: dt.date) -> Q:
    """The stored results that still count today."""
    return Q(stale=False, policy_digest=result_key(policy), evaluated_on__lte=today) & (
        Q(changes_on__isnull=True) | Q(changes_on__gt=today)
    )


def ensure_current(services: QuerySet[Service], *, today: dt.date) -> int:
    """Evaluate and store the results of those services whose result is missing or no
    longer counts; one query when all are current."""
    key = result_key(active_policy())
    # The negation of ``counting``, written over one join so that it reads an index.
    behind = Q(readiness_result__isnull=True)
    for no_longer in (
        Q(readiness_result__stale=True),
        Q(readiness_result__policy_digest__lt=key),
        Q(readiness_result__policy_digest__gt=key),
        Q(readiness_result__evaluated_on__gt=today),
        Q(readiness_result__changes_on__lte=today),
    ):
        behind |= no_longer
    ids = list(services.order_by().filter(behind).values_list("id", flat=True))
    return refresh_ids(ids, today=today) if ids else 0


def refresh_due(*, today: dt.date) -> dict[str, int]:
    """The daily job: re-evaluate every result not evaluated today.

    Readers already re-evaluate a result whose expiry, effective or due date has
    come (its ``changes_on``); but automatic checks of other apps read the date in
    ways a stored result cannot foresee (LV-3 looks back twelve months from the
    day), so each result is brought to the new day here, in bulk, off the web.
    """
    policy = active_policy()
    current = ReadinessResult.objects.filter(counting(policy, today), evaluated_on=today)
    due = Service.objects.exclude(pk__in=current.values("service_id")).values_list("id", flat=True)
    return {"refreshed": refresh_ids(list(due), today=today)}


# --- after a change ------------------------------------------------------------------------


@dataclass
class _Waiting:
    """The services a transaction changed, refreshed together once it commits."""

    queue: list  # the connection's on-commit list when the first change came
    ids: set[int] = field(default_factory=set)
    ran: bool = False


def results_changed(service_ids: Iterable[int | None]) -> None:
    """What these services' results were evaluated from has changed: mark them stale
    now, in the caller's transaction, and re-evaluate them once it commits.

    Apps above readiness call this where they write without saving a model (a
    queryset ``update``); a registered model's save or delete calls it for them.
    """
    ids = {pk for pk in service_ids if pk is not None}
    if not ids:
        return
    ReadinessResult.objects.filter(service_id__in=ids, stale=False).update(stale=True)
    connection = transaction.get_connection()
    waiting = getattr(connection, "_readiness_waiting", None)
    # One refresh per transaction: each change asks for it, and the first to run does
    # it for all. A rolled-back savepoint gives the connection a new on-commit list
    # (its callbacks dropped), so a later change starts afresh.
    if (
        waiting is None
        or waiting.ran
        or not connection.in_atomic_block
        or waiting.queue is not connection.run_on_commit
    ):
        waiting = _Waiting(connection.run_on_commit)
        setattr(connection, "_readiness_waiting", waiting)  # noqa: B010
    waiting.ids |= ids
    transaction.on_commit(functools.partial(_refresh_waiting, waiting))


def _refresh_waiting(waiting: _Waiting) -> None:
    if waiting.ran:
        return
    waiting.ran = True
    try:
        if len(waiting.ids) >= IN_BACKGROUND_FROM:
            from .tasks import refresh_results

            refresh_results.enqueue(sorted(waiting.ids))
            return
        refresh_ids(waiting.ids)
    except Exception:  # the change is committed; the stale rows are evaluated when next read
        log.exception("readiness results not refreshed", extra={"services": len(waiting.ids)})
