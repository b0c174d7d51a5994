"""The developer tooling API: a service's code host integrations, change model and changes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Header, Router, Schema, Status

from osr.catalogue.models import Service
from osr.core.api_crud import ErrorOut, FieldErrors, require
from osr.core.concurrency import check_if_match, etag_of
from osr.myit.views import record_url

from . import services
from .choices import ChangeStatus
from .forms import ChangeModelForm, IntegrationForm
from .models import ChangeModel, ChangeRequest, Integration

router = Router(tags=["Developer tooling"])


class IntegrationIn(Schema):
    host: str
    name: str
    component: int | None = None


class IntegrationOut(Schema):
    id: UUID
    host: str
    name: str
    component: str | None
    hook_url: str
    created: datetime
    last_delivery_at: datetime | None
    changes_raised: int


class IntegrationCreatedOut(IntegrationOut):
    secret: str


class ChangeModelIn(Schema):
    route: str
    standard_template_sys_id: str = ""


class ChangeModelOut(Schema):
    route: str
    standard_template_sys_id: str


class ChangeOut(Schema):
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


def _errors(form) -> FieldErrors:
    return FieldErrors({name: list(errors) for name, errors in form.errors.items()})


def _integration_out(request, i: Integration, raised: int = 0) -> dict:
    return {
        "id": i.public_id,
        "host": i.host,
        "name": i.name,
        "component": i.component.name if i.component else None,
        "hook_url": request.build_absolute_uri(i.hook_path),
        "created": i.created,
        "last_delivery_at": i.last_delivery_at,
        "changes_raised": raised,
    }


@router.get(
    "/services/{slug}/integrations",
    response=list[IntegrationOut],
    summary="Code hosts linked to a service",
)
def list_integrations(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.view_integration", service)
    linked = (
        Integration.objects.filter(service=service)
        .select_related("component")
        .annotate(raised=Count("changes", filter=Q(changes__status=ChangeStatus.RAISED)))
    )
    return [_integration_out(request, i, i.raised) for i in linked]


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
        raise _errors(form)
    integration, secret = services.create_integration(
        service,
        host=form.cleaned_data["host"],
        name=form.cleaned_data["name"],
        component=form.cleaned_data["component"],
        by=request.user,
    )
    return Status(201, _integration_out(request, integration) | {"secret": secret})


def _shown(request, integration: Integration) -> dict:
    raised = integration.changes.filter(status=ChangeStatus.RAISED).count()
    return _integration_out(request, integration, raised)


def _linked(slug: str, integration_id: UUID) -> Integration:
    return get_object_or_404(
        Integration.objects.select_related("service", "component"),
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
    response["ETag"] = etag_of(shown)
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
    check_if_match(if_match, etag_of(_shown(request, integration)))
    services.delete_integration(integration, by=request.user)
    return Status(204, None)


@router.get(
    "/services/{slug}/change-model", response=ChangeModelOut, summary="A service's change model"
)
def get_change_model(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "catalogue.view_service", service)
    model = ChangeModel.objects.filter(service=service).first() or ChangeModel(service=service)
    return {"route": model.route, "standard_template_sys_id": model.standard_template_sys_id}


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
        raise _errors(form)
    model = services.save_change_model(
        service,
        route=form.cleaned_data["route"],
        template_sys_id=form.cleaned_data["standard_template_sys_id"],
        by=request.user,
    )
    return {"route": model.route, "standard_template_sys_id": model.standard_template_sys_id}


@router.get(
    "/services/{slug}/changes",
    response=list[ChangeOut],
    summary="Changes raised in MyIT from a service's developer tooling, newest first",
)
def list_changes(request, slug: str, limit: int = 50):
    service = get_object_or_404(Service, slug=slug)
    require(request, "devtools.view_changerequest", service)
    changes = ChangeRequest.objects.filter(service=service).select_related("integration")
    return [
        {
            "id": c.pk,
            "host": c.host,
            "integration": str(c.integration) if c.integration else None,
            "delivery_id": c.delivery_id,
            "event": c.event,
            "summary": c.summary,
            "link_url": c.link_url,
            "commit_sha": c.commit_sha,
            "environment": c.environment,
            "received_at": c.received_at,
            "status": c.status,
            "route": c.route,
            "myit_number": c.myit_number,
            "myit_url": record_url("change_request", c.myit_sys_id),
            "message": c.message,
        }
        for c in changes[: max(1, min(limit, 200))]
    ]
