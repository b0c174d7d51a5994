"""The API of readiness over time: trends, campaigns, planned dates and forecasts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup, Service
from osr.core.answers import With
from osr.core.api_contract import Input, refers_to
from osr.core.paging import Shown, paginated
from osr.core.refusals import Invalid
from osr.core.resources import DatabaseId
from osr.core.shortcuts import get_or_404, require

from . import campaigns
from .forecasts import forecasts, plan_next_phase
from .models import Campaign
from .trends import trends

router = Router(tags=["Readiness over time"])


class TrendRowOut(Schema):
    label: str
    values: list[int | float | None]


class TrendOut(Schema):
    key: str
    title: str
    label_header: str
    series: list[str]
    rows: list[TrendRowOut]
    summary: str


class TrendQuery(Schema):
    group: Annotated[str, refers_to("delivery-groups")] = ""


@router.get(
    "/readiness/trends",
    response=list[TrendOut],
    summary="Readiness over time: requirements met, gate status, time in phase, verification wait",
)
@paginated
def readiness_trends(request, params: Query[TrendQuery]):
    require(request, "readiness.view_readiness")
    group_id = None
    if params.group:
        group_id = (
            DeliveryGroup.objects.filter(slug=params.group).values_list("id", flat=True).first()
        )
        if group_id is None:
            raise Invalid({"group": [f"No delivery group ‘{params.group}’"]})
    charts = trends(group_id, today=timezone.localdate())
    return Shown(charts, _charts_shown)


def _charts_shown(charts) -> list[dict]:
    return [
        {
            "key": c.key,
            "title": c.title,
            "label_header": c.label_header,
            "series": list(c.series),
            "rows": [{"label": label, "values": list(values)} for label, values in c.rows],
            "summary": c.summary,
        }
        for c in charts
    ]


class CampaignOut(Schema):
    id: int
    title: str
    requirement: str
    reason: str
    target_date: dt.date
    groups: list[str]
    phases: list[str]
    critical_only: bool
    started_at: dt.datetime
    closed_at: dt.datetime | None
    closing_figures: dict

    @staticmethod
    def resolve_requirement(campaign: Campaign) -> str:
        return campaign.requirement_id

    @staticmethod
    def resolve_groups(campaign: Campaign) -> list[str]:
        return [group.slug for group in campaign.groups.all()]


class StandingOut(Schema):
    service: str
    delivery_group: str
    status: str
    meets: bool


class BurnUpOut(Schema):
    day: dt.date
    meeting: int
    in_scope: int


class CampaignDetailOut(CampaignOut):
    services: list[StandingOut]
    burn_up: list[BurnUpOut]


# A requirement and the groups are named by their IDs and slugs: whether they exist, and
# whether the target date is still ahead, is known only when the request arrives (422).
RequirementId = Annotated[str, Field(json_schema_extra={"x-refers-to": "requirements"})]
GroupSlug = Annotated[str, Field(json_schema_extra={"x-refers-to": "delivery-groups"})]
PhaseName = Annotated[str, Field(json_schema_extra={"enum": [p for p in Phase.values]})]


class CampaignIn(Input):
    title: str = Field(min_length=1, max_length=campaigns.TITLE_MAX, pattern=r"\S")
    requirement: RequirementId
    target_date: dt.date
    groups: list[GroupSlug] = Field(default_factory=list, description="every group if none")
    phases: list[PhaseName] = Field(default_factory=list, description="every phase if none")
    critical_only: bool = False
    reason: str = ""


class CloseIn(Input):
    note: str = ""


def _detail(campaign: Campaign) -> With:
    today = timezone.localdate()
    current = campaigns.standings(campaign, today=today)
    services = [
        {
            "service": s.loaded.facts.slug,
            "delivery_group": s.loaded.group_slug,
            "status": s.result.status,
            "meets": s.meets,
        }
        for s in current
    ]
    points = campaigns.burn_up(campaign, today=today, current=current)
    return With(campaign, services=services, burn_up=[vars(p) for p in points])


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns, the latest first")
@paginated
def list_campaigns(request):
    require(request, "readiness.view_readiness")
    return Shown(Campaign.objects.order_by("-started_at", "-id"), _with_groups)


def _with_groups(page):
    return page.prefetch_related("groups")


@router.post("/campaigns", response={201: CampaignDetailOut}, summary="Start a campaign")
def start_campaign(request, body: CampaignIn):
    require(request, "readiness.start_campaign")
    groups = list(DeliveryGroup.objects.filter(slug__in=body.groups))
    unknown = sorted(set(body.groups) - {g.slug for g in groups})
    if unknown:
        raise Invalid({"groups": [f"No delivery group ‘{slug}’" for slug in unknown]})
    campaign = campaigns.start_campaign(
        title=body.title,
        requirement_id=body.requirement,
        target_date=body.target_date,
        groups=groups,
        phases=body.phases,
        critical_only=body.critical_only,
        reason=body.reason,
        by=request.user,
        today=timezone.localdate(),
    )
    return Status(201, _detail(campaign))


@router.get(
    "/campaigns/{campaign_id}",
    response=CampaignDetailOut,
    summary="A campaign: its services in scope and its burn-up",
)
def campaign_detail(request, campaign_id: DatabaseId):
    require(request, "readiness.view_readiness")
    return _detail(get_or_404(Campaign.objects.prefetch_related("groups"), pk=campaign_id))


@router.post(
    "/campaigns/{campaign_id}/close",
    response={200: CampaignDetailOut},
    summary="Close a campaign, keeping its closing report",
)
def close_campaign(request, campaign_id: DatabaseId, body: CloseIn):
    campaign = get_or_404(Campaign, pk=campaign_id)
    require(request, "readiness.close_campaign", campaign)
    campaigns.close_campaign(campaign, by=request.user, note=body.note, today=timezone.localdate())
    return _detail(get_or_404(Campaign.objects.prefetch_related("groups"), pk=campaign_id))


class PlanIn(Input):
    planned_on: dt.date


class ForecastOut(Schema):
    service: str
    phase: str
    planned_on: dt.date
    on_track: bool
    projected_on: dt.date | None
    remaining: int
    pace_per_week: float
    reason: str


class ForecastQuery(Schema):
    group: str = ""


def _forecast_shown(found) -> dict:
    return {
        "service": found.row.slug,
        "phase": found.plan.phase,
        "planned_on": found.plan.planned_on,
        "on_track": found.outlook.on_track,
        "projected_on": found.outlook.projected,
        "remaining": found.outlook.remaining,
        "pace_per_week": round(found.outlook.pace, 2),
        "reason": found.outlook.reason,
    }


@router.put(
    "/services/{slug}/phase-plan",
    response=ForecastOut,
    summary="Record the day a service plans to enter its next phase; answers its forecast",
)
def plan_phase(request, slug: str, body: PlanIn):
    service = get_or_404(Service.objects.select_related("delivery_group"), slug=slug)
    require(request, "readiness.plan_phase", service)
    today = timezone.localdate()
    plan_next_phase(service, planned_on=body.planned_on, by=request.user, today=today)
    (found,) = forecasts(Service.objects.filter(pk=service.pk), today=today)
    return _forecast_shown(found)


@router.get(
    "/readiness/forecasts",
    response=list[ForecastOut],
    summary="Services with a planned date for their next phase, and whether they are on track",
)
@paginated
def readiness_forecasts(request, params: Query[ForecastQuery]):
    require(request, "readiness.view_readiness")
    services = Service.objects.order_by("name", "id")
    if params.group:
        services = services.filter(delivery_group__slug=params.group)
    found = sorted(forecasts(services, today=timezone.localdate()), key=lambda f: f.row.name)
    return Shown(found, lambda page: [_forecast_shown(f) for f in page])
