"""The demo's readiness history: evidence in every state, and waivers.

Each service has the evidence its phase calls for, submitted by its team and
verified by its group's OSR manager; ``STORIES`` tell the exceptions: evidence
awaiting verification, rejected with a reason, waived, expiring soon or lapsed.
Requirements that automatic checks decide from MyIT, code hosts, rehearsals,
boards and the guide are left to those parts of the demo for the fully ready
service, ``FULLY_READY``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from osr.catalogue.demo import register_demo_step
from osr.catalogue.demo_history import History
from osr.catalogue.models import Service

from .choices import EventKind
from .forms import EvidenceForm
from .models import Evidence, RequirementEvent, Waiver
from .policy import active_policy
from .services import reject_evidence, submit_evidence, verify_evidence, waive_requirement

FULLY_READY = "sustainable-farming-incentive"

# What a service of each phase has had verified, beyond LD-1 when it uses live data.
BY_PHASE = {
    "alpha": ["AS-1"],
    "private_beta": ["AS-1", "PB-4"],
    "public_beta": ["PB-1", "PB-2", "PB-3", "PB-4", "AS-1", "AS-2"],
    # Live services are in MyIT: its sync decides PB-2, PB-3, PUB-1 and LV-2.
    "live": ["PB-1", "PB-4", "PUB-3", "LV-3", "LV-4", "LV-5", "AS-1", "AS-2", "AS-5"],
}  # fmt: skip
# Decided for the fully ready service by MyIT, its code host, rehearsals, a board and its guide.
AUTOMATIC = {"PB-2", "PB-3", "PUB-1", "PUB-2", "LV-2", "LV-3", "LV-5", "AS-4"}

WHAT = {
    "LD-1": "Security assurance pack completed and signed off by the information asset owner",
    "PB-1": "Security assurance pack updated for the beta, with the new components",
    "PB-2": "Tickets route to the delivery group's support assignment group in MyIT",
    "PB-3": "Configuration items and support information uploaded to MyIT",
    "PB-4": "Standard, normal and emergency change routes agreed at the delivery group's "
    "change advisory board",
    "PUB-1": "Every MyIT record of the service is complete",
    "PUB-2": "Deployments from the pipeline raise change requests in MyIT",
    "PUB-3": "Dashboards of response times, errors and transactions in Grafana",
    "LV-2": "Support queues in MyIT have their members",
    "LV-3": "Incident and change rehearsals run with the service desk",
    "LV-4": "24/7 support agreed with the supplier and the Defra service desk",
    "LV-5": "Review board passed before the service went live",
    "AS-1": "User needs and the technical solution summarised for the OSR team",
    "AS-2": "Stakeholder register kept, with the information asset owner and the SIRO",
    "AS-5": "Service assessment passed and spend control approval recorded",
}


@dataclass(frozen=True)
class Story:
    """An exception to a service's usual evidence: its state, and when it happened."""

    requirement: str
    state: str  # submitted, rejected, resubmitted, waived, expiring, lapsed or missing
    days_ago: int
    note: str = ""
    expires_in: int | None = None  # a waiver's end, in days from today


STORIES: dict[str, list[Story]] = {
    # Farming and countryside: the OSR manager's queue.
    "apply-for-a-farming-grant": [
        Story("PB-1", "rejected", 16, "The pack predates private beta and leaves out the "
              "grants scoring API: update it for the beta and send the new version"),
        Story("LV-2", "submitted", 22),
    ],
    "countryside-stewardship-higher-tier": [
        Story("LD-1", "expiring", 343),
        Story("PUB-3", "submitted", 20),
        Story("LV-4", "waived", 60, "Not critical: agreements are made over weeks, and "
              "business-hours support was agreed by the delivery group", None),
    ],
    "rural-payments": [
        Story("AS-5", "waived", 380, "Live since before the current governance process; the "
              "spend control and assessment records are held by the RPA", None),
    ],
    "annual-health-and-welfare-review": [Story("LV-3", "missing", 0)],
    # Animal and plant health.
    "bluetongue-movement-licence": [
        Story("LD-1", "resubmitted", 30, "This is version 0.3, a draft: send the version the "
              "information asset owner signed off"),
    ],
    "apply-for-a-cites-permit": [Story("AS-2", "submitted", 26), Story("LD-1", "lapsed", 390)],
    "apply-for-a-phytosanitary-certificate": [
        Story("LV-4", "waived", 330, "Round-the-clock support is being agreed with the "
              "supplier as its contract is renewed; the service desk covers nights until "
              "then", 18),
    ],
    # Trade and borders.
    "ipaffs": [
        Story("AS-2", "waived", 335, "The stakeholder register is kept by the Border Delivery "
              "Group; to be taken over by the IPAFFS team", 21),
    ],
    # Environment Agency digital.
    "report-an-environmental-incident": [
        Story("PB-4", "rejected", 40, "The emergency change route names no approver out of "
              "hours: add who approves an emergency change at night"),
    ],
    # Core platforms.
    "defra-customer-registry": [Story("LD-1", "expiring", 345)],
}  # fmt: skip


def load(history: History) -> None:
    """Write each service's evidence and waivers, unless it has some already."""
    services = (
        Service.objects.select_related("delivery_group__osr_manager__user", "delivery_team")
        .prefetch_related("delivery_team__members__user")
        .order_by("pk")
    )
    started = set(Evidence.objects.values_list("service_id", flat=True).distinct())
    started |= set(Waiver.objects.values_list("service_id", flat=True).distinct())
    for index, service in enumerate(services):
        if service.pk not in started and service.phase in BY_PHASE:
            _write_service(history, service, index)
    _date_live_data_duties(history)


def _write_service(history: History, service: Service, index: int) -> None:
    policy = active_policy()
    stories = {story.requirement: story for story in STORIES.get(service.slug, [])}
    wanted = list(BY_PHASE[service.phase])
    if service.uses_live_data:
        wanted.insert(0, "LD-1")
    if not service.critical and "LV-4" in wanted:
        wanted.remove("LV-4")
    if service.slug == FULLY_READY:
        wanted = [r for r in wanted if r not in AUTOMATIC]
    wanted += [r for r in stories if r not in wanted]
    members = list(service.delivery_team.members.all()) if service.delivery_team else []
    team = history.user_of(members[0] if members else service.service_owner)
    manager = history.user_of(service.delivery_group.osr_manager)
    # Live services were brought into OSR over its first year; newer ones as they went.
    first = min(380 - 11 * (index % 20), service_age(history, service))
    for step, requirement_id in enumerate(wanted):
        requirement = policy.requirement(requirement_id)
        story = stories.get(requirement_id)
        days_ago = story.days_ago if story else max(first - 3 * step, 15)
        if story and story.state == "missing":
            continue
        if story and story.state == "waived":
            _waive(history, service, requirement, story, manager)
            continue
        if story and story.state == "resubmitted":
            evidence = _submit(history, service, requirement, days_ago + 12, team)
            _review(history, evidence, days_ago, manager, reason=story.note)
            _submit(history, service, requirement, days_ago - 12, team)
            continue
        evidence = _submit(history, service, requirement, days_ago, team)
        if story and story.state == "submitted":
            continue
        reason = story.note if story and story.state == "rejected" else ""
        # Verification was slower in OSR's first months, before its OSR managers had a queue.
        _review(history, evidence, max(days_ago - 2 - days_ago // 45, 1), manager, reason=reason)


def service_age(history: History, service: Service) -> int:
    """Days since the service entered its phase, or was catalogued if that is later."""
    return (history.today - service.phase_since).days


def _submit(history: History, service, requirement, days_ago: int, by) -> Evidence:
    """Submit evidence as the evidence form does, checked by the form on the day it was sent."""
    when = history.moment(-days_ago, 11)
    posted: dict = {
        "attestation": WHAT.get(requirement.id, requirement.title),
        "links": f"https://sharepoint.defra.example/sites/{service.slug}/{requirement.id}",
    }
    if requirement.evidence.pack:
        posted |= {"pack_version": f"{2 + days_ago % 3}.{days_ago % 7}", "pack_date": when.date()}
    if requirement.evidence.dated:
        posted["evidence_date"] = when.date() - dt.timedelta(days=2)
    form = EvidenceForm(posted, requirement=requirement, today=when.date())
    if not form.is_valid():
        raise ValueError(f"Demo evidence for {requirement.id} is invalid: {form.errors.as_text()}")
    with history.at(when, by=by):
        evidence = submit_evidence(
            service, requirement, data=form.cleaned_data, file_kind=form.file_kind, by=by
        )
    history.date(evidence, submitted_at=when)
    history.date(RequirementEvent.objects.filter(evidence=evidence), at=when)
    history.added += 1
    return evidence


def _review(history: History, evidence: Evidence, days_ago: int, by, *, reason: str) -> None:
    when = history.moment(-days_ago, 15)
    with history.at(when, by=by):
        if reason:
            reject_evidence(evidence, by=by, reason=reason)
        else:
            verify_evidence(evidence, by=by, note="Checked against the policy")
    history.date(evidence, reviewed_at=when)
    kind = EventKind.REJECTED if reason else EventKind.VERIFIED
    history.date(RequirementEvent.objects.filter(evidence=evidence, kind=kind), at=when)


def _waive(history: History, service, requirement, story: Story, by) -> None:
    when = history.moment(-story.days_ago, 16)
    expires = history.day(story.expires_in) if story.expires_in is not None else None
    with history.at(when, by=by):
        waiver = waive_requirement(
            service, requirement, reason=story.note, expires_on=expires, by=by
        )
    history.date(waiver, granted_at=when)
    history.date(RequirementEvent.objects.filter(waiver=waiver), at=when)
    history.added += 1


def _date_live_data_duties(history: History) -> None:
    """The live-data requirements fell due when each service started using live data."""
    due = RequirementEvent.objects.filter(kind=EventKind.DUE, at__gte=history.started)
    for service in Service.objects.filter(pk__in=due.values("service_id")):
        since = service.live_data_since or history.today
        when = history.moment((since - history.today).days, 9)
        history.date(due.filter(service=service), at=when)


def register() -> None:
    """Add this part of the demo estate; called from ``AppConfig.ready``."""
    register_demo_step(20, "readiness", load)
