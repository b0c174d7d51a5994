"""The developer tooling API: a service's code host integrations, change model and changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Header, Router, Schema, Status

from osr.catalogue.models import Service
from osr.core.answers import With
from osr.core.api_contract import Input
from osr.core.api_crud import ErrorOut
from osr.core.concurrency import check_if_match, etag_of
from osr.core.paging import paginated
from osr.core.refusals import invalid
from osr.core.shortcuts import require
from osr.myit.views import record_url

from . import services
from .api_precheck import EstateChangeOut
from .api_precheck import router as precheck_router
from .choices import ChangeStatus
from .forms import ChangeForm, ChangeModelForm, IntegrationForm
from .models import ChangeModel, ChangeRequest, Integration

router = Router(tags=["Developer tooling"])


class IntegrationIn(Input):
    host: str
    name: str
    component: int | None = None


class IntegrationOut(Schema):
    id: UUID = Field(alias="public_id")
    host: str
    name: str
    component: str | None
    hook_url: str
    created: datetime
    last_delivery_at: datetime | None
    secret_changed_at: datetime | None = Field(description="When its secret was made")
    changes_raised: int = Field(alias="raised")

    @staticmethod
    def resolve_component(integration: Integration) -> str | None:
        return integration.component.name if integration.component else None

    @staticmethod
    def resolve_hook_url(integration: Integration, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(integration.hook_path)


class IntegrationCreatedOut(IntegrationOut):
    secret: str


class IntegrationSecretOut(IntegrationCreatedOut):
    previous_secret_until: datetime | None = Field(
        description="Until when the secret it replaced is still accepted"
    )


class ChangeModelIn(Input):
    route: str
    standard_template_sys_id: str = ""
    standard_even_if_critical: bool = False


class ChangeModelOut(Schema):
    route: str
    standard_template_sys_id: str
    standard_even_if_critical: bool = Field(
        description="Agreed: standard changes even when a critical live service could be affected"
    )


class CodeHostChangeOut(Schema):
    id: int
    host: str
    integration: str | None
    delivery_id: str
    event: str
    summary: str
    link_url: str
    commit_sha: str
    environment: str
    received_at: datetime
    status: str
    route: str
    myit_number: str
    myit_url: str
    message: str

    @staticmethod
    def resolve_link_url(change: ChangeRequest) -> str:
        return change.web_link

    @staticmethod
    def resolve_integration(change: ChangeRequest) -> str | None:
        return str(change.integration) if change.integration else None

    @staticmethod
    def resolve_myit_url(change: ChangeRequest) -> str:
        return record_url("change_request", change.myit_sys_id)


def _raised_counted(integrations):
    """Integrations with ``raised``: how many changes each has raised in MyIT."""
    return integrations.annotate(
        raised=Count("changes", filter=Q(changes__status=ChangeStatus.RAISED))
    )


@router.get(
    "/services/{slug}/integrations",
    response=list[IntegrationOut],
    summary="Code hosts linked to a service",
)
@paginated
def list_integrations(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.view_integration", service)
    return _raised_counted(Integration.objects.filter(service=service).select_related("component"))


@router.post(
    "/services/{slug}/integrations",
    response={201: IntegrationCreatedOut},
    summary="Link a code host to a service; the answer holds its secret, shown only once",
)
def create_integration(request, slug: str, body: IntegrationIn):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.add_integration", service)
    form = IntegrationForm(body.dict(), service=service)
    if not form.is_valid():
        raise invalid(form)
    integration, secret = services.create_integration(
        service,
        host=form.cleaned_data["host"],
        name=form.cleaned_data["name"],
        component=form.cleaned_data["component"],
        by=request.user,
    )
    # A new integration has raised nothing yet.
    return Status(201, With(integration, raised=0, secret=secret))


def _shown(request, integration: Integration) -> IntegrationOut:
    return IntegrationOut.model_validate(integration, context={"request": request})


def _linked(slug: str, integration_id: UUID) -> Integration:
    return get_object_or_404(
        _raised_counted(Integration.objects.select_related("service", "component")),
        service__slug=slug,
        public_id=integration_id,
    )


@router.get(
    "/services/{slug}/integrations/{integration_id}",
    response=IntegrationOut,
    summary="One code host linked to a service",
)
def read_integration(request, response: HttpResponse, slug: str, integration_id: UUID):
    integration = _linked(slug, integration_id)
    require(request, "devtools.view_integration", integration.service)
    shown = _shown(request, integration)
    response["ETag"] = etag_of(shown.model_dump())
    return shown


@router.delete(
    "/services/{slug}/integrations/{integration_id}",
    response={204: None, 412: ErrorOut, 428: ErrorOut},
    summary="Unlink a code host; the changes it raised stay in the history",
    description="Send the integration's current ETag in `If-Match`.",
)
def delete_integration(
    request,
    slug: str,
    integration_id: UUID,
    if_match: str | None = Header(None, alias="If-Match"),
):
    integration = _linked(slug, integration_id)
    require(request, "devtools.delete_integration", integration.service)
    check_if_match(if_match, etag_of(_shown(request, integration).model_dump()))
    services.delete_integration(integration, by=request.user)
    return Status(204, None)


@router.post(
    "/services/{slug}/integrations/{integration_id}/secret",
    response={200: IntegrationSecretOut, 403: ErrorOut, 404: ErrorOut},
    summary="Give a linked code host a new secret, shown only once",
    description="The secret it replaces is still accepted until `previous_secret_until` "
    "(`OSR_WEBHOOK_SECRET_GRACE_HOURS`), while the code host is given the new one.",
)
def rotate_integration_secret(request, slug: str, integration_id: UUID):
    integration = _linked(slug, integration_id)
    require(request, "devtools.change_integration", integration.service)
    rotated, secret = services.rotate_secret(integration, by=request.user)
    raised = integration.raised  # type: ignore[attr-defined]  # counted by _linked
    return With(rotated, raised=raised, secret=secret)


@router.get(
    "/services/{slug}/change-model", response=ChangeModelOut, summary="A service's change model"
)
def get_change_model(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "catalogue.view_service", service)
    return ChangeModel.objects.filter(service=service).first() or ChangeModel(service=service)


@router.put(
    "/services/{slug}/change-model",
    response=ChangeModelOut,
    summary="Set how a service's changes from developer tooling are raised",
)
def put_change_model(request, slug: str, body: ChangeModelIn):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.change_changemodel", service)
    instance = ChangeModel.objects.filter(service=service).first() or ChangeModel(service=service)
    form = ChangeModelForm(body.dict(), instance=instance)
    if not form.is_valid():
        raise invalid(form)
    return services.save_change_model(
        service,
        route=form.cleaned_data["route"],
        template_sys_id=form.cleaned_data["standard_template_sys_id"],
        even_if_critical=form.cleaned_data["standard_even_if_critical"],
        by=request.user,
    )


@router.get(
    "/services/{slug}/changes",
    response=list[CodeHostChangeOut],
    summary="Changes raised in MyIT from a service's developer tooling, newest first",
)
@paginated
def list_changes(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.view_changerequest", service)
    return ChangeRequest.objects.filter(service=service).select_related("integration")


class ChangeIn(Input):
    summary: str
    description: str = ""
    link_url: str = ""
    environment: str = ""


@router.post(
    "/services/{slug}/changes",
    response={201: EstateChangeOut},
    summary="Raise a change in MyIT by hand; it is recorded with its blast radius",
    description="The change goes the route its blast radius decides (see the pre-check) "
    "and is raised in MyIT in the background: read `status` from the changes list.",
)
def raise_change_by_hand(request, slug: str, body: ChangeIn):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.add_changerequest", service)
    form = ChangeForm(body.dict())
    if not form.is_valid():
        raise invalid(form)
    change = services.record_change(service, **form.cleaned_data, by=request.user)
    return Status(201, change)


# The pre-check and the estate's changes, in a module of their own.
router.add_router("", precheck_router)
