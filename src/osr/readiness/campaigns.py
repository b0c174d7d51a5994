"""Campaigns: bringing every service in scope up to one requirement by a target date.

An OSR manager starts a campaign for a requirement (new in a policy change, or
any other); its scope is delivery groups, phases and whether only critical
services. Its burn-up is read from the daily snapshots, with today's point
evaluated live, so verifying evidence moves it at once. Teams whose services
do not yet meet the requirement are reminded each week through the outbox,
and a closed campaign keeps its closing report as it stood.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup, Service
from osr.catalogue.recipients import team_addresses, teams_channel
from osr.core import notify
from osr.core.notify import Kind
from osr.core.refusals import Conflicting, Invalid
from osr.core.shortcuts import day, require

from .choices import SATISFIED, Status
from .engine import RequirementResult
from .loading import Loaded
from .models import Campaign, ReadinessSnapshot
from .policy import active_policy
from .services import portfolio

REMIND_EVERY_DAYS = 7
TITLE_MAX = 200


def in_scope(campaign: Campaign) -> QuerySet[Service]:
    """The services the campaign covers: its groups (all if none), phases and criticality."""
    services = Service.objects.exclude(phase=Phase.RETIRED).order_by("name", "id")
    group_ids = [group.pk for group in campaign.groups.all()]
    if group_ids:
        services = services.filter(delivery_group_id__in=group_ids)
    if campaign.phases:
        services = services.filter(phase__in=campaign.phases)
    if campaign.critical_only:
        services = services.filter(critical=True)
    return services


@dataclass(frozen=True)
class Standing:
    """One service in scope and where it stands on the campaign's requirement today."""

    loaded: Loaded
    result: RequirementResult

    @property
    def meets(self) -> bool:
        return self.result.status in SATISFIED


def standings(campaign: Campaign, *, today: dt.date) -> list[Standing]:
    """Every service in scope with its result, in a fixed number of queries."""
    rows = []
    for loaded, evaluation in portfolio(in_scope(campaign), today=today):
        result = evaluation.requirement(campaign.requirement_id)
        if result is not None and result.status != Status.NOT_APPLICABLE:
            rows.append(Standing(loaded, result))
    return rows


@dataclass(frozen=True)
class BurnUpPoint:
    day: dt.date
    meeting: int
    in_scope: int


def burn_up(campaign: Campaign, *, today: dt.date, current: list[Standing]) -> list[BurnUpPoint]:
    """Services meeting the requirement each week since the campaign started, and today.

    Past weeks come from the stored snapshots of the services in scope now;
    a service the requirement did not apply to that day is not counted.
    """
    started = timezone.localdate(campaign.started_at)
    days = list(
        ReadinessSnapshot.objects.filter(day__gte=started, day__lt=today)
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )
    weekly = _one_a_week(days)
    counts: dict[dt.date, list[int]] = {d: [0, 0] for d in weekly}
    rows = ReadinessSnapshot.objects.filter(
        day__in=weekly, service_id__in=[s.loaded.service_id for s in current]
    ).values_list("day", "statuses")
    for when, statuses in rows:
        status = statuses.get(campaign.requirement_id)
        if status is None or status == Status.NOT_APPLICABLE:
            continue
        counts[when][1] += 1
        counts[when][0] += status in SATISFIED
    points = [BurnUpPoint(d, met, total) for d, (met, total) in sorted(counts.items())]
    points.append(BurnUpPoint(today, sum(s.meets for s in current), len(current)))
    return points


def _one_a_week(days: Iterable[dt.date]) -> list[dt.date]:
    """The last stored day of each week, so that a chart has one point a week."""
    last: dict[tuple[int, int], dt.date] = {}
    for d in days:
        last[d.isocalendar()[:2]] = max(d, last.get(d.isocalendar()[:2], d))
    return sorted(last.values())


def start_campaign(
    *,
    title: str,
    requirement_id: str,
    target_date: dt.date,
    groups: Iterable[DeliveryGroup] = (),
    phases: Iterable[str] = (),
    critical_only: bool = False,
    reason: str = "",
    by,
    today: dt.date,
) -> Campaign:
    """Start a campaign, if the person may start one over each group of its scope."""
    groups, phases = list(groups), list(phases)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter a title for the campaign"]
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = [f"The title must be {TITLE_MAX} characters or fewer"]
    if active_policy().requirement(requirement_id) is None:
        errors["requirement_id"] = [f"No requirement ‘{requirement_id}’ in the policy"]
    if target_date <= today:
        errors["target_date"] = ["The target date must be in the future"]
    unknown = [p for p in phases if p not in Phase.values]
    if unknown:
        errors["phases"] = [f"Unknown phase: {', '.join(unknown)}"]
    if errors:
        raise Invalid(errors)
    # A manager's campaign reaches only the groups they manage; every group is for administrators.
    require(by, "readiness.start_campaign")
    if not groups and not by.has_perm("readiness.start_estate_campaign"):
        raise Invalid({"groups": ["Choose the delivery groups the campaign covers"]})
    for group in groups:
        require(by, "readiness.start_campaign", group)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=title.strip(),
            requirement_id=requirement_id,
            target_date=target_date,
            phases=phases,
            critical_only=critical_only,
            reason=reason.strip(),
            started_by=by if getattr(by, "is_authenticated", False) else None,
        )
        campaign.groups.set(groups)
    return campaign


def close_campaign(campaign: Campaign, *, by, note: str = "", today: dt.date) -> Campaign:
    """Close the campaign and keep its closing report as it stands today."""
    require(by, "readiness.close_campaign", campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.closed_at is not None:
            raise Conflicting("This campaign is already closed")
        current = standings(locked, today=today)
        locked.closing_figures = closing_figures(locked, current, today=today)
        locked.closed_at = timezone.now()
        locked.closed_by = by if getattr(by, "is_authenticated", False) else None
        locked.closing_note = note.strip()
        locked.save(update_fields=["closing_figures", "closed_at", "closed_by", "closing_note"])
    return locked


def closing_figures(campaign: Campaign, current: list[Standing], *, today: dt.date) -> dict:
    """The closing report: how many met it, by group, and the services that did not."""
    by_group: dict[str, dict[str, int]] = {}
    for standing in current:
        counts = by_group.setdefault(standing.loaded.group_name, {"meeting": 0, "in_scope": 0})
        counts["in_scope"] += 1
        counts["meeting"] += standing.meets
    return {
        "day": today.isoformat(),
        "meeting": sum(s.meets for s in current),
        "in_scope": len(current),
        "on_time": today <= campaign.target_date,
        "by_group": dict(sorted(by_group.items())),
        "short": [
            {
                "service": s.loaded.facts.name,
                "group": s.loaded.group_name,
                "status": s.result.status,
            }
            for s in current
            if not s.meets
        ],
    }


def remind(campaign: Campaign, *, today: dt.date) -> int:
    """Remind the team of each service in scope that does not meet the requirement yet."""
    requirement = active_policy().requirement(campaign.requirement_id)
    title = f"{campaign.requirement_id}: {requirement.title}" if requirement else ""
    short = [s for s in standings(campaign, today=today) if not s.meets]
    services = (
        Service.objects.select_related(
            "delivery_group", "delivery_team", "service_owner__user", "product_manager__user"
        )
        .prefetch_related("delivery_team__members__user")
        .in_bulk([s.loaded.service_id for s in short])
    )
    told = 0
    with transaction.atomic():
        for standing in short:
            service = services[standing.loaded.service_id]
            address = f"/services/{service.slug}/readiness/{campaign.requirement_id}"
            told += notify.send_email(
                team_addresses(service),
                f"{service.name}: meet {campaign.requirement_id} by {day(campaign.target_date)}",
                f"The campaign ‘{campaign.title}’ asks every service in its scope to meet "
                f"{title or campaign.requirement_id} by {day(campaign.target_date)}.\n\n"
                f"Where {service.name} stands: {standing.result.reason}.",
                Kind.CAMPAIGN_REMINDER,
                link=f"{settings.OSR_BASE_URL}{address}",
                topic=f"campaign-{campaign.pk}-{service.pk}-{today.isoformat()}",
                teams=teams_channel(service.delivery_group),
            )
        Campaign.objects.filter(pk=campaign.pk).update(last_reminded_on=today)
    campaign.last_reminded_on = today
    return told


def send_campaign_reminders(*, today: dt.date) -> dict[str, int]:
    """The daily job: each open campaign reminds its teams once a week until it closes."""
    reminded = told = 0
    for campaign in Campaign.objects.filter(closed_at__isnull=True).prefetch_related("groups"):
        last = campaign.last_reminded_on
        if last is not None and (today - last).days < REMIND_EVERY_DAYS:
            continue
        told += remind(campaign, today=today)
        reminded += 1
    return {"campaigns": reminded, "notifications": told}
