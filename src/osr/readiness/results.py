"""Stored readiness results: each service's evaluation kept, so that lists read it, not redo it.

A result is re-evaluated by the task worker once a change to anything it was evaluated
from commits (``triggers`` and the apps that register checks call ``changes.results_changed``); in
bulk by ``osr readiness refresh`` after a new policy or release; by the daily job
(``refresh_due``), which brings every result to the new day; and by a reader,
first, whenever a result is missing or no longer counts: marked stale, stored
under another policy or engine, or past its ``changes_on`` (an expiry, effective
or due date, a contract's dates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone

from osr.catalogue.models import Service
from osr.catalogue.phase_hooks import Blocker

from .changes import forget_marks
from .checks import registered_checks
from .engine import Evaluation, GateResult, RequirementResult, evaluate
from .flags import PortfolioFlag, flags_for
from .loading import Loaded, load
from .models import ReadinessResult
from .policy import Policy, active_policy
from .result_store import generations, store

log = logging.getLogger(__name__)

# Services evaluated together when the whole estate is refreshed: bounds memory.
BATCH = 2000


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
    return evaluation_from(row.detail)


def evaluation_from(stored: dict[str, Any]) -> Evaluation:
    """The evaluation a stored row's ``detail`` holds."""
    detail = dict(stored)
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
    loaded: Loaded, evaluation: Evaluation, policy: Policy, today: dt.date, generation: int = 0
) -> ReadinessResult:
    """The row to store, over a stored row only while that is at ``generation``."""
    detail = detail_of(evaluation)
    return ReadinessResult(
        service_id=loaded.service_id,
        generation=generation,
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


def refresh(
    services: QuerySet[Service],
    *,
    today: dt.date,
    policy: Policy | None = None,
    read: dict[int, int] | None = None,
) -> int:
    """Evaluate the services and store their results, in one transaction; the number
    evaluated.

    ``read`` holds each stored row's generation as read before now (else it is read
    here, before loading): a row a change has marked since is left stale, not
    overwritten with what was loaded before that change (see ``result_store``).
    """
    policy, checks = policy or active_policy(), registered_checks()
    if read is None:
        read = generations(services)
    rows = [
        row_of(
            item,
            evaluate(policy, item.facts, item.evidence, item.waivers, today, checks=checks),
            policy,
            today,
            read.get(item.service_id, 0),
        )
        for item in _load_to_store(services.order_by("id"))
    ]
    _store(rows)
    return len(rows)


def _store(rows: list[ReadinessResult]) -> None:
    written = store(rows)
    if written < len(rows):
        log.info(
            "readiness results changed while evaluated, left stale",
            extra={"services": len(rows) - written},
        )


def _load_to_store(services: QuerySet[Service]) -> list[Loaded]:
    """The services' inputs, loaded for results to store over rows at the generations
    read before.

    A change after this load must raise its services' generations, so that the
    results are not stored: a change later in a transaction that has already marked
    them stale marks them again (``changes.results_changed``).
    """
    forget_marks()
    return load(services)


def refresh_ids(
    service_ids: Iterable[int],
    *,
    today: dt.date | None = None,
    read: dict[int, int] | None = None,
) -> int:
    """Refresh the results of these services (those still in the catalogue); ``read``
    as ``refresh`` takes it, for all of them."""
    ids = sorted(set(service_ids))
    today = today or timezone.localdate()
    return sum(
        refresh(Service.objects.filter(pk__in=ids[start : start + BATCH]), today=today, read=read)
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


def counts(row: ReadinessResult, policy: Policy, today: dt.date) -> bool:
    """Whether a stored row in hand still counts today: ``counting`` for one row."""
    return (
        not row.stale
        and row.policy_digest == result_key(policy)
        and row.evaluated_on <= today
        and (row.changes_on is None or row.changes_on > today)
    )


def stored_for_move(
    service: Service, to_phase: str, *, policy: Policy, today: dt.date
) -> Evaluation | None:
    """The service's stored evaluation, where a move to ``to_phase`` may be decided on it;
    else None, and the move evaluates the service afresh.

    It must still count, be today's (an automatic check may read the day in ways a
    stored result cannot foresee: see ``refresh_due``), and be of the service's phase
    with the move's phase as its next. A change to its inputs marks it stale in the
    change's own transaction, so once that commits a move no longer decides on it.
    """
    row = ReadinessResult.objects.filter(service_id=service.pk).first()
    if row is None or not counts(row, policy, today) or row.evaluated_on != today:
        return None
    evaluation = evaluation_of(row)
    if evaluation.phase != service.phase or evaluation.target_phase != to_phase:
        return None
    return evaluation


def current_evaluation(
    service: Service, *, today: dt.date, policy: Policy | None = None
) -> Evaluation:
    """Where one service stands today: its stored result when that still counts, else
    the service evaluated now and its result stored, as ``refresh`` would.

    A service read with ``select_related("readiness_result")`` brings its stored row
    along, and costs no query here while that row counts. Readiness for a named
    target phase is not stored: ask ``services.readiness_of``.
    """
    policy = policy or active_policy()
    stored_row = Service.readiness_result.related  # type: ignore[attr-defined]
    # The stored row's generation, read before the inputs are (see ``refresh``).
    generation = 0
    if stored_row.is_cached(service):
        # None where the service has no row.
        row = cast(ReadinessResult | None, stored_row.get_cached_value(service))
        if row is not None and counts(row, policy, today):
            return evaluation_of(row)
        generation = row.generation if row is not None else 0
    else:
        stored = (
            ReadinessResult.objects.filter(service_id=service.pk)
            .annotate(counts=counting(policy, today))
            .values_list("counts", "generation", "detail")
            .first()
        )
        if stored is not None:
            counted, generation, detail = stored
            if counted:
                return evaluation_from(detail)
    (loaded,) = _load_to_store(Service.objects.filter(pk=service.pk))
    evaluation = evaluate(
        policy, loaded.facts, loaded.evidence, loaded.waivers, today, checks=registered_checks()
    )
    # Where a change came after the generation was read, the row stays stale (for the
    # next reader), but this reader still answers with what it evaluated.
    _store([row_of(loaded, evaluation, policy, today, generation)])
    return evaluation


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
    # Each row's generation is read with it, before anything is loaded (see ``refresh``).
    behind_now = services.order_by().filter(behind)
    read = {pk: g or 0 for pk, g in behind_now.values_list("id", "readiness_result__generation")}
    return refresh_ids(read, today=today, read=read) if read else 0


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
