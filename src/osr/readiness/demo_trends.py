"""The demo's readiness over time: the phases each service went through, planned dates,
a campaign, and a year of snapshots rebuilt from the evidence the demo wrote.

Runs after every other part of the demo, so that the snapshots see all of it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min

from osr.catalogue.choices import PHASE_ORDER, Phase
from osr.catalogue.demo import register_demo_step
from osr.catalogue.demo_history import History
from osr.catalogue.models import PhaseChange, Service

from .demo import _review as review_as_then
from .demo import _submit as submit_as_then
from .engine import next_phase_of
from .history import backfill_days, record_snapshots
from .models import Campaign, Evidence, PhasePlan, ReadinessSnapshot
from .policy import active_policy

# The usual days a service spends in each phase before moving on.
TYPICAL_DAYS = {
    "discovery": 70,
    "alpha": 110,
    "private_beta": 150,
    "public_beta": 180,
    "live": 1100,
}
WEEKS_OF_HISTORY = 52
# Planned dates, in days from today, for services still on their way to live.
PLANNED_IN = (35, 60, 90, 120, 150, 200)


def load(history: History) -> None:
    """Write what is missing: earlier phases, planned dates, the campaign, the snapshots."""
    _earlier_phases(history)
    _planned_dates(history)
    _campaign(history)
    if not ReadinessSnapshot.objects.exists():
        days = backfill_days(history.today, weeks=WEEKS_OF_HISTORY)
        history.added += record_snapshots(days)


def _earlier_phases(history: History) -> None:
    """Give each service the phases it passed through before the one it was catalogued in."""
    first = {
        row["service_id"]: row["first"]
        for row in PhaseChange.objects.values("service_id").annotate(first=Min("id"))
    }
    moves = PhaseChange.objects.in_bulk(list(first.values()))
    added = []
    for index, service in enumerate(Service.objects.order_by("pk")):
        change = moves.get(first.get(service.pk, 0))
        if change is None or change.from_phase or change.to_phase == Phase.DISCOVERY:
            continue
        earlier = PHASE_ORDER[: PHASE_ORDER.index(change.to_phase)]
        if Phase.RETIRED in earlier:
            continue
        when = change.changed_at
        steps: list[tuple[str, dt.datetime]] = []
        for phase in reversed(earlier):
            stretch = 0.7 + 0.1 * ((index + len(steps)) % 7)
            when -= dt.timedelta(days=round(TYPICAL_DAYS[phase] * stretch))
            steps.append((phase, when))
        steps.reverse()
        previous = ""
        for phase, at in steps:
            added.append(
                PhaseChange(
                    service=service,
                    from_phase=previous,
                    to_phase=phase,
                    changed_at=at,
                    reason="Phase when first catalogued" if not previous else "",
                )
            )
            previous = phase
        # Written as the catalogue's import of each service's past, without an audit entry of today.
        PhaseChange.objects.filter(pk=change.pk).update(from_phase=previous, reason="")
    PhaseChange.objects.bulk_create(added)
    history.added += len(added)


def _planned_dates(history: History) -> None:
    """Teams on their way to live say when they plan to enter their next phase."""
    planned = set(PhasePlan.objects.values_list("service_id", flat=True))
    on_the_way = Service.objects.filter(
        phase__in=[Phase.ALPHA, Phase.PRIVATE_BETA, Phase.PUBLIC_BETA]
    ).order_by("pk")
    plans = []
    for index, service in enumerate(on_the_way):
        next_phase = next_phase_of(service.phase)
        if service.pk in planned or next_phase is None:
            continue
        plans.append(
            PhasePlan(
                service=service,
                phase=next_phase,
                planned_on=history.day(PLANNED_IN[index % len(PLANNED_IN)]),
                recorded_at=history.moment(-30 - index, 10),
            )
        )
    PhasePlan.objects.bulk_create(plans)
    history.added += len(plans)


CAMPAIGN_DAYS_AGO = 84


def _campaign(history: History) -> None:
    """The dashboards campaign: every service in beta or live reports on itself by spring.

    Since it started, most of the teams it reminded have sent their dashboards.
    """
    if Campaign.objects.exists():
        return
    with history.at(history.moment(-CAMPAIGN_DAYS_AGO, 10)):
        campaign = Campaign.objects.create(
            title="Dashboards for every service in beta and live",
            requirement_id="PUB-3",
            target_date=history.day(56),
            phases=[Phase.PUBLIC_BETA, Phase.LIVE],
            reason="Incidents last winter were found by users before the teams: every service "
            "in public beta or live must show its response times, errors and transactions.",
            started_at=history.moment(-CAMPAIGN_DAYS_AGO, 10),
            last_reminded_on=history.day(-7),
        )
    history.added += 1
    requirement = active_policy().requirement(campaign.requirement_id)
    answered = Evidence.objects.filter(requirement_id=campaign.requirement_id)
    missing = (
        Service.objects.filter(phase__in=campaign.phases)
        .exclude(pk__in=answered.values("service_id"))
        .select_related("delivery_group__osr_manager", "service_owner")
        .order_by("name")
    )
    for step, service in enumerate(missing[:6]):
        days_ago = CAMPAIGN_DAYS_AGO - 10 - 11 * step
        by = history.user_of(service.service_owner)
        evidence = submit_as_then(history, service, requirement, days_ago, by)
        manager = history.user_of(service.delivery_group.osr_manager)
        review_as_then(history, evidence, days_ago - 3, manager, reason="")


def register() -> None:
    """Add this part of the demo estate; called from ``AppConfig.ready``."""
    register_demo_step(90, "readiness-trends", load)
