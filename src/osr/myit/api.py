"""The MyIT API: queue syncs and dry runs, read their results and the checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from osr.catalogue.models import Service
from osr.core.resources import DatabaseId
from osr.core.shortcuts import require

from . import services
from .models import MyitRecord, SyncRun

router = Router(tags=["MyIT"])


class RunOut(Schema):
    id: int
    service: str = Field(alias="service.slug")
    dry_run: bool
    status: str
    requested_by: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    differences: list[dict[str, Any]]
    written: list[str]
    not_written: list[dict[str, str]]
    message: str
    url: str

    @staticmethod
    def resolve_requested_by(run: SyncRun) -> str | None:
        return run.requested_by.username if run.requested_by else None

    @staticmethod
    def resolve_url(run: SyncRun, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(f"/api/v1/myit/runs/{run.pk}")


class CheckOut(Schema):
    requirement_id: str
    met: bool
    reason: str


class RecordOut(Schema):
    key: str
    table: str
    sys_id: str


class StateOut(Schema):
    last_run: RunOut | None
    checks: list[CheckOut]
    records: list[RecordOut]


@router.post(
    "/services/{slug}/myit/sync",
    response={202: RunOut},
    summary="Queue a sync of the service to MyIT, or a dry run that writes nothing",
)
def sync(request, slug: str, dry_run: bool = False):
    service = get_object_or_404(Service, slug=slug)
    require(request, "myit.sync_service", service)
    [run] = services.request_sync([service], by=request.user, dry_run=dry_run)
    run.service = service
    return Status(202, run)


@router.get("/services/{slug}/myit", response=StateOut, summary="The service in MyIT")
def state(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "catalogue.view_service", service)
    return {
        "last_run": services.last_run(service),
        "checks": services.checks_for(service),
        "records": list(
            MyitRecord.objects.filter(service=service).values("key", "table", "sys_id")
        ),
    }


@router.get("/myit/runs/{run_id}", response=RunOut, summary="One sync or dry run")
def run(request, run_id: DatabaseId):
    found = get_object_or_404(SyncRun.objects.select_related("service", "requested_by"), pk=run_id)
    require(request, "myit.view_syncrun", found)
    return found
