"""The pre-check a pipeline calls before it deploys, and the changes across the estate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from osr.catalogue.models import Service
from osr.core.paging import paginated
from osr.core.refusals import invalid
from osr.core.shortcuts import require
from osr.core.tokens.auth import BearerToken
from osr.graph.blast import BlastRadius
from osr.myit.views import record_url

from .blast import IMPACT_NAMES, RISK_NAMES, assess, assessment_text
from .choices import ChangeRoute
from .estate import ChangeFilterForm, ChangeFilters, changes_in_estate
from .models import ChangeRequest

router = Router(tags=["Developer tooling"])


class AffectedContactOut(Schema):
    name: str
    email: str
    phone: str


class AffectedLiveOut(Schema):
    slug: str
    name: str
    depth: int = Field(description="1 when it needs the changing service directly")
    critical: bool
    live_data: bool = Field(description="It receives live data from the changing service")
    via: str | None = Field(description="The service one step nearer, beyond depth 1")
    support_contact_email: str
    contacts: dict[str, AffectedContactOut] = Field(
        description="Its service owner, live services manager and delivery team, as recorded"
    )


class BlastRadiusOut(Schema):
    affected: int = Field(description="Every service affected, in any phase")
    live: int
    critical_live: int
    live_data: int = Field(description="Live services receiving live data from the service")
    live_services: list[AffectedLiveOut] = Field(
        description="Up to 50: critical first, then those fed live data, then nearest"
    )


class ChangeModelSummaryOut(Schema):
    route: str
    standard_template_sys_id: str
    standard_even_if_critical: bool


class PrecheckOut(Schema):
    service: str
    phase: str
    verdict: str = Field(description="proceed, normal (proceed with the normal route) or stop")
    exit_code: int = Field(description="What `osr precheck` exits with: 0, 1 or 2")
    reason: str
    ready_for_phase: bool
    open_requirements: list[str] = Field(description="What stops it being ready for its phase")
    change_model: ChangeModelSummaryOut | None = Field(description="None: no agreed change model")
    route: str
    route_reason: str
    risk: str = Field(description="High, Moderate or Low, as sent to MyIT")
    impact: str = Field(description="High, Medium or Low, as sent to MyIT")
    blast_radius: BlastRadiusOut
    summary: str = Field(description="The same in words, as a change in MyIT carries it")


@router.post(
    "/services/{slug}/precheck",
    response=PrecheckOut,
    summary="Before a deployment: the service's blast radius and whether to go ahead",
    auth=BearerToken(writes_nothing=True),
    description="Writes nothing, so a read-only token may send it. `verdict` is `proceed`, "
    "`normal` (proceed, and the change goes the normal route to the change advisory board) "
    "or `stop` (the service is not ready for its phase, or could affect a critical live "
    "service without an agreed change model).",
)
def precheck(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.precheck_service", service)
    return precheck_answer(service, now=timezone.now())


def precheck_answer(service: Service, *, now: datetime) -> dict[str, Any]:
    """The pre-check as JSON: the API's answer and ``osr precheck --json``."""
    assessment = assess(service, today=timezone.localdate(now))
    model = assessment.model
    return {
        "service": service.slug,
        "phase": service.phase,
        "verdict": assessment.verdict.value,
        "exit_code": assessment.verdict.exit_code,
        "reason": assessment.verdict_reason,
        "ready_for_phase": assessment.ready,
        "open_requirements": assessment.blockers,
        "change_model": (
            {
                "route": model.route,
                "standard_template_sys_id": model.standard_template_sys_id,
                "standard_even_if_critical": model.standard_even_if_critical,
            }
            if model
            else None
        ),
        "route": assessment.route,
        "route_reason": assessment.route_reason,
        "risk": RISK_NAMES[assessment.risk],
        "impact": IMPACT_NAMES[assessment.impact],
        "blast_radius": assessment.radius.as_dict(),
        "summary": assessment_text(assessment),
    }


class ChangeFilterQuery(Schema):
    group: str = Field(
        "",
        description="A delivery group's slug",
        json_schema_extra={"x-refers-to": "delivery-groups"},
    )
    affects: str = Field(
        "",
        max_length=100,
        description="A live service's slug: changes that could affect it",
        json_schema_extra={"x-refers-to": "services"},
    )
    route: str = Field(
        "", description="normal or standard", json_schema_extra={"enum": ["", *ChangeRoute.values]}
    )


class EstateChangeOut(Schema):
    id: int
    service: str
    service_name: str
    delivery_group: str
    summary: str
    event: str
    environment: str
    received_at: datetime
    status: str
    route: str
    route_reason: str
    myit_number: str
    myit_url: str
    ready_for_phase: bool | None
    blast_radius: BlastRadiusOut

    @staticmethod
    def resolve_service(change: ChangeRequest) -> str:
        return change.service.slug

    @staticmethod
    def resolve_service_name(change: ChangeRequest) -> str:
        return change.service.name

    @staticmethod
    def resolve_delivery_group(change: ChangeRequest) -> str:
        return change.service.delivery_group.slug

    @staticmethod
    def resolve_myit_url(change: ChangeRequest) -> str:
        return record_url("change_request", change.myit_sys_id)

    @staticmethod
    def resolve_blast_radius(change: ChangeRequest) -> dict[str, Any]:
        return BlastRadius.from_dict(change.blast_radius).as_dict()


@router.get(
    "/changes",
    response=list[EstateChangeOut],
    summary="Changes across the estate with their blast radius, newest first",
)
@paginated
def estate_changes(request, filters: Query[ChangeFilterQuery]):
    require(request, "devtools.view_changerequest")
    form = ChangeFilterForm(filters.dict())
    if not form.is_valid():
        raise invalid(form)
    return changes_in_estate(
        ChangeFilters(
            group=form.cleaned_data["group"],
            affects=form.cleaned_data["affects"],
            route=form.cleaned_data["route"],
        )
    )
