"""The evaluation of a service against the policy on a given day.

One pure function: plain data in, plain data out, no database and no clock.
Same input, same answer, which is what lets it run over a whole portfolio and
be tested exhaustively.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from osr.catalogue.choices import PHASE_ORDER, Phase
from osr.catalogue.phase_hooks import Blocker
from osr.core.shortcuts import day

from .checks import MET, NOT_APPLICABLE, AutomaticCheck
from .choices import SATISFIED, Status
from .facts import EvidenceFacts, ServiceFacts, WaiverFacts
from .policy import Gate, Policy, Requirement

_PHASE_INDEX = {phase: index for index, phase in enumerate(PHASE_ORDER)}


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """Where the service stands on one requirement, and why."""

    id: str
    title: str
    gate: str
    status: str
    reason: str
    shown: bool  # the service has reached the phase from which the requirement is shown
    automatic: bool = False  # decided by an automatic check
    expires_on: dt.date | None = None
    coming: bool = False  # its effective_from is still ahead: shown, blocking nothing

    @property
    def satisfied(self) -> bool:
        return self.status in SATISFIED

    @property
    def clears_gate(self) -> bool:
        return self.coming or self.satisfied


@dataclass(frozen=True, slots=True)
class GateResult:
    """A gate and whether every requirement in it is satisfied."""

    id: str
    title: str
    satisfied: bool
    open: tuple[str, ...]  # the IDs of its requirements not yet satisfied
    before: str | None = None
    trigger: str | None = None


@dataclass(frozen=True)
class Evaluation:
    """The whole answer for one service on one day, under one policy version."""

    policy_version: str
    service: str
    phase: str
    next_phase: str | None
    target_phase: str | None
    requirements: tuple[RequirementResult, ...]
    gates: tuple[GateResult, ...]
    blockers: tuple[Blocker, ...]  # what stops the move to the target phase
    percent: int
    live_data_flagged: bool = False
    live_data_due: dt.date | None = None
    live_data_overdue: bool = False

    @property
    def ready(self) -> bool:
        return not self.blockers

    def requirement(self, requirement_id: str) -> RequirementResult | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)

    def gate(self, gate_id: str) -> GateResult | None:
        return next((g for g in self.gates if g.id == gate_id), None)


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day where it has no such day."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def next_phase_of(phase: str) -> str | None:
    index = _PHASE_INDEX[phase]
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def evaluate(
    policy: Policy,
    service: ServiceFacts,
    evidence: Sequence[EvidenceFacts],
    waivers: Sequence[WaiverFacts],
    today: dt.date,
    *,
    checks: Mapping[str, AutomaticCheck],
    target_phase: str | None = None,
) -> Evaluation:
    """Evaluate ``service`` against ``policy`` on ``today``.

    The target phase defaults to the service's next phase; the blockers are
    what stops a move there.
    """
    by_requirement: dict[str, list[EvidenceFacts]] = {}
    for item in evidence:
        by_requirement.setdefault(item.requirement_id, []).append(item)
    latest_waiver: dict[str, WaiverFacts] = {}
    for waiver in sorted(waivers, key=lambda w: w.granted_on):
        latest_waiver[waiver.requirement_id] = waiver
    gates = {gate.id: gate for gate in policy.gates}
    phase_index = _PHASE_INDEX[service.phase]

    results = []
    for requirement in policy.requirements:
        items = by_requirement.get(requirement.id, ())
        if len(items) > 1:
            items = sorted(items, key=_newest_first)
        result = _requirement_result(
            requirement,
            gates[requirement.gate],
            service,
            items,
            evidence,
            latest_waiver.get(requirement.id),
            today,
            checks.get(requirement.check) if requirement.check else None,
            shown=phase_index >= _PHASE_INDEX[requirement.applies.from_phase],
        )
        if requirement.effective_from is not None and not requirement.in_force(today):
            coming = f"Comes into force on {day(requirement.effective_from)}"
            result = replace(result, coming=True, reason=f"{coming}. {result.reason}")
        results.append(result)

    by_id = {result.id: result for result in results}
    gate_results = tuple(_gate_result(gate, policy, by_id) for gate in policy.gates)
    flagged, due, overdue = _live_data(service, policy.gates, gate_results, today)
    next_phase = next_phase_of(service.phase)
    target = target_phase or next_phase
    blockers = tuple(blockers_for(policy, service, by_id, target)) if target else ()
    counted = [r for r in results if r.status != Status.NOT_APPLICABLE and not r.coming]
    done = sum(1 for r in counted if r.status in SATISFIED)
    percent = (100 * done) // len(counted) if counted else 100
    return Evaluation(
        policy_version=policy.version,
        service=service.slug,
        phase=service.phase,
        next_phase=next_phase,
        target_phase=target,
        requirements=tuple(results),
        gates=gate_results,
        blockers=blockers,
        percent=percent,
        live_data_flagged=flagged,
        live_data_due=due,
        live_data_overdue=overdue,
    )


def gates_for_move(policy: Policy, service: ServiceFacts, to_phase: str) -> list[Gate]:
    """The gates a move from the service's phase to ``to_phase`` must pass.

    Moving back, staying, or retiring a service passes no gate. Moving forward
    passes every ``before`` gate up to the target phase, and any triggered gate
    that is due (for example once the service uses live data).
    """
    current, target = _PHASE_INDEX[service.phase], _PHASE_INDEX[to_phase]
    if target <= current or to_phase == Phase.RETIRED:
        return []
    passed = []
    for gate in policy.gates:
        ahead = gate.before is not None and current < _PHASE_INDEX[gate.before] <= target
        triggered = gate.trigger == "uses_live_data" and service.uses_live_data
        if ahead or triggered:
            passed.append(gate)
    return passed


def blockers_for(
    policy: Policy, service: ServiceFacts, results: Mapping[str, RequirementResult], to_phase: str
) -> list[Blocker]:
    """Every requirement that stops the service entering ``to_phase``, in policy order."""
    gate_ids = {gate.id for gate in gates_for_move(policy, service, to_phase)}
    blockers = []
    for requirement in policy.requirements:
        result = results[requirement.id]
        if requirement.gate in gate_ids and not result.clears_gate:
            label = Status(result.status).label.lower()
            blockers.append(Blocker(result.id, f"{result.title} ({label}): {result.reason}"))
    return blockers


def _newest_first(item: EvidenceFacts) -> tuple[int, int]:
    return (-item.submitted_on.toordinal(), -(item.id or 0))


def _requirement_result(
    requirement: Requirement,
    gate: Gate,
    service: ServiceFacts,
    items: Sequence[EvidenceFacts],
    all_evidence: Sequence[EvidenceFacts],
    waiver: WaiverFacts | None,
    today: dt.date,
    check: AutomaticCheck | None,
    *,
    shown: bool,
) -> RequirementResult:
    def result(status: str, reason: str, **extra) -> RequirementResult:
        return RequirementResult(
            requirement.id, requirement.title, gate.id, status, reason, shown, **extra
        )

    applies = requirement.applies
    if gate.trigger == "uses_live_data" and not service.uses_live_data:
        return result(Status.NOT_APPLICABLE, "Due once the service uses live data")
    if applies.uses_live_data and not service.uses_live_data:
        return result(Status.NOT_APPLICABLE, "Applies only when the service uses live data")
    if applies.critical and not service.critical:
        return result(Status.NOT_APPLICABLE, "Applies only to critical services")

    outcome = check.decide(service, all_evidence, today) if check and check.decide else None
    if outcome is not None and outcome.decided == MET:
        return result(Status.MET, outcome.reason, automatic=True)
    if outcome is not None and outcome.decided == NOT_APPLICABLE:
        return result(Status.NOT_APPLICABLE, outcome.reason, automatic=True)

    expired_on = None
    for item in items:
        if item.status != "verified":
            continue
        expires = (
            add_months(item.dated, requirement.valid_for_months)
            if requirement.valid_for_months
            else None
        )
        if expires is None or today < expires:
            reason = f"Evidence verified on {day(item.reviewed_on or item.submitted_on)}"
            if expires is not None:
                reason += f"; valid until {day(expires - dt.timedelta(days=1))}"
            return result(Status.MET, reason, expires_on=expires)
        expired_on = expired_on or expires

    if waiver is not None and (waiver.expires_on is None or today < waiver.expires_on):
        until = f" until {day(waiver.expires_on)}" if waiver.expires_on else ""
        return result(
            Status.WAIVED, f"Waived{until}: {waiver.reason}", expires_on=waiver.expires_on
        )

    latest = items[0] if items else None
    if latest is not None and latest.status == "submitted":
        return result(
            Status.SUBMITTED,
            f"Evidence submitted on {day(latest.submitted_on)} "
            "awaits the OSR manager's verification",
        )
    if latest is not None and latest.status == "rejected":
        return result(Status.REJECTED, f"Evidence rejected: {latest.note}")
    if expired_on is not None:
        return result(
            Status.EXPIRED, f"Evidence expired on {day(expired_on)}; submit current evidence"
        )
    if waiver is not None and waiver.expires_on is not None:
        return result(Status.EXPIRED, f"The waiver expired on {day(waiver.expires_on)}")
    return result(
        Status.NOT_STARTED, outcome.reason if outcome else "No evidence has been submitted"
    )


def _gate_result(gate: Gate, policy: Policy, results: Mapping[str, RequirementResult]):
    open_ids = tuple(r.id for r in policy.in_gate(gate.id) if not results[r.id].clears_gate)
    return GateResult(gate.id, gate.title, not open_ids, open_ids, gate.before, gate.trigger)


def _live_data(
    service: ServiceFacts, gates: Sequence[Gate], results: Sequence[GateResult], today: dt.date
) -> tuple[bool, dt.date | None, bool]:
    """Whether the live-data obligations are outstanding, when they fell due, and if overdue."""
    if not service.uses_live_data:
        return False, None, False
    outstanding = [
        gate
        for gate, result in zip(gates, results, strict=True)
        if gate.trigger == "uses_live_data" and not result.satisfied
    ]
    if not outstanding:
        return False, None, False
    started = service.live_data_since or today
    due = min(started + dt.timedelta(days=gate.due_within_days) for gate in outstanding)
    return True, due, today > due
