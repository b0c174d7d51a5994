"""What a change to a service could break, the route it goes by, and the pre-check's verdict.

The rules (``route_for``, ``verdict_for``, ``risk_and_impact``, ``phase_blockers``)
are plain functions over plain data; ``assess`` gathers that data for one service:
its blast radius from the graph's index, its readiness from the engine, and its
agreed change model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from osr.catalogue.choices import PHASE_ORDER
from osr.catalogue.models import Service
from osr.graph.blast import AffectedLive, BlastRadius, blast_radius_of
from osr.readiness.engine import Evaluation
from osr.readiness.services import readiness_of

from .choices import ChangeRoute, Verdict
from .models import ChangeModel

# MyIT's change risk and impact, as ServiceNow codes them (risk 2 High, 3 Moderate,
# 4 Low; impact 1 High, 2 Medium, 3 Low). See the README's "Blast radius" section.
RISK_HIGH, RISK_MODERATE, RISK_LOW = "2", "3", "4"
IMPACT_HIGH, IMPACT_MEDIUM, IMPACT_LOW = "1", "2", "3"
RISK_NAMES = {RISK_HIGH: "High", RISK_MODERATE: "Moderate", RISK_LOW: "Low"}
IMPACT_NAMES = {IMPACT_HIGH: "High", IMPACT_MEDIUM: "Medium", IMPACT_LOW: "Low"}
NAMED_IN_TEXT = 10  # affected live services written out in a change's text


def phase_blockers(evaluation: Evaluation, *, uses_live_data: bool) -> list[str]:
    """The open requirements of every gate the service has passed to be in its phase:
    nothing open means it is ready for the phase it is in."""
    reached = PHASE_ORDER.index(evaluation.phase)
    open_ids: list[str] = []
    for gate in evaluation.gates:
        passed = gate.before is not None and PHASE_ORDER.index(gate.before) <= reached
        triggered = gate.trigger == "uses_live_data" and uses_live_data
        if (passed or triggered) and not gate.satisfied:
            open_ids += [i for i in gate.open if i not in open_ids]
    return open_ids


def route_for(model: ChangeModel | None, radius: BlastRadius) -> tuple[str, str]:
    """The route the change goes by, and why: the agreed change model's, except that a change
    that could affect a critical live service is never standard unless the model says so."""
    if model is None:
        return ChangeRoute.NORMAL, "No change model is agreed for the service: the normal route"
    if not model.uses_template:
        return ChangeRoute.NORMAL, "The service's change model is the normal route"
    if radius.critical_live and not model.standard_even_if_critical:
        names = ", ".join(s.name for s in radius.critical_services[:3])
        return ChangeRoute.NORMAL, (
            f"It could affect {_count(radius.critical_live, 'critical live service')} "
            f"({names}): it goes to the change advisory board, not as a standard change"
        )
    if radius.critical_live:
        return ChangeRoute.STANDARD, (
            "A standard change: the change model allows it even when a critical live service "
            "could be affected"
        )
    return ChangeRoute.STANDARD, "A standard change from the approved template"


def verdict_for(
    *, blockers: list[str], model: ChangeModel | None, radius: BlastRadius, route: str
) -> tuple[Verdict, str]:
    """Whether a deployment may go ahead: stop when the service is not ready for its phase,
    or when it could affect a critical live service and has no agreed change model."""
    if blockers:
        return Verdict.STOP, f"Not ready for its phase: {', '.join(blockers)} open"
    if radius.critical_live and model is None:
        return Verdict.STOP, (
            f"It could affect {_count(radius.critical_live, 'critical live service')} and has "
            "no agreed change model"
        )
    if route == ChangeRoute.NORMAL:
        return Verdict.NORMAL, "Raise it as a normal change, for assessment and authorisation"
    return Verdict.PROCEED, "A standard change from the approved template"


def risk_and_impact(radius: BlastRadius, *, ready: bool) -> tuple[str, str]:
    """MyIT's risk and impact codes for a change with this blast radius."""
    if radius.critical_live:
        impact = IMPACT_HIGH
    elif radius.live:
        impact = IMPACT_MEDIUM
    else:
        impact = IMPACT_LOW
    if radius.critical_live or not ready:
        risk = RISK_HIGH
    elif radius.live or radius.live_data:
        risk = RISK_MODERATE
    else:
        risk = RISK_LOW
    return risk, impact


@dataclass
class Assessment:
    """Everything decided about a change to one service before it is made."""

    service: Service
    radius: BlastRadius
    blockers: list[str]
    model: ChangeModel | None
    route: str
    route_reason: str
    verdict: Verdict
    verdict_reason: str
    risk: str
    impact: str

    @property
    def ready(self) -> bool:
        return not self.blockers


def assess(service: Service, *, today: dt.date) -> Assessment:
    """The blast radius, readiness, route and verdict of a change to ``service`` now."""
    radius = blast_radius_of(service)
    evaluation = readiness_of(service, today=today)
    blockers = phase_blockers(evaluation, uses_live_data=service.uses_live_data)
    model = ChangeModel.objects.filter(service=service).first()
    route, route_reason = route_for(model, radius)
    verdict, verdict_reason = verdict_for(
        blockers=blockers, model=model, radius=radius, route=route
    )
    risk, impact = risk_and_impact(radius, ready=not blockers)
    return Assessment(
        service, radius, blockers, model, route, route_reason, verdict, verdict_reason, risk, impact
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _who(affected: AffectedLive) -> str:
    roles = {"service_owner": "service owner", "live_services_manager": "live services manager"}
    parts = [f"support {affected.support_contact_email or 'not recorded'}"]
    for role, title in roles.items():
        person = affected.contacts.get(role)
        if person is not None:
            detail = ", ".join(p for p in (person.email, person.phone) if p)
            parts.append(f"{title} {person.name}" + (f" ({detail})" if detail else ""))
    return "; ".join(parts)


def radius_text(radius: BlastRadius) -> list[str]:
    """The blast radius in lines a change approver reads."""
    if not radius.live:
        return [
            f"Blast radius: no live service needs it ({_count(radius.affected, 'service')} "
            "affected in other phases)."
        ]
    lines = [
        f"Blast radius: {_count(radius.live, 'live service')} affected "
        f"({radius.critical_live} critical, {radius.live_data} receiving live data from it; "
        f"{radius.affected} services in all)."
    ]
    for affected in radius.live_services[:NAMED_IN_TEXT]:
        marks = ["critical"] if affected.critical else []
        marks.append("needs it directly" if affected.depth == 1 else f"through {affected.via}")
        if affected.live_data:
            marks.append("receives live data from it")
        lines.append(f"- {affected.name} ({', '.join(marks)}). Contacts: {_who(affected)}")
    if radius.live > NAMED_IN_TEXT:
        lines.append(f"- and {radius.live - NAMED_IN_TEXT} more live services (see OSR)")
    return lines


def assessment_text(assessment: Assessment) -> str:
    """The readable summary sent with the change to MyIT and shown by the pre-check."""
    phase = assessment.service.get_phase_display().lower()
    readiness = (
        f"Readiness: ready for {phase}."
        if assessment.ready
        else f"Readiness: not ready for {phase} ({', '.join(assessment.blockers)} open)."
    )
    return "\n".join(
        [
            *radius_text(assessment.radius),
            readiness,
            f"Route: {ChangeRoute(assessment.route).label}. {assessment.route_reason}.",
            f"Risk {RISK_NAMES[assessment.risk]}, impact {IMPACT_NAMES[assessment.impact]}.",
        ]
    )
