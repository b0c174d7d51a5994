"""The guides API: a service's operations profile, its guide in every format, versions,
approval, differences, and bulk exports of the live services' approved guides."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from django.db import models, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Header, Query, Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict, Field, create_model

from osr.catalogue.models import Service
from osr.core.api_contract import Input
from osr.core.api_crud import ErrorOut
from osr.core.concurrency import check_if_match, etag_of
from osr.core.paging import paginated
from osr.core.refusals import invalid
from osr.core.resources import DatabaseId
from osr.core.shortcuts import get_or_404, require

from . import services
from .choices import Format
from .diff import SectionChange, compare
from .forms import ExportForm, ProfileForm, current_values
from .models import GuideExport, GuideVersion, OperationsProfile
from .profile import DURATION_FIELDS, PROFILE_FIELDS, duration_iso
from .rendering import as_download, rendered

router = Router(tags=["Service operations guides"])

_DATES = ("last_dr_test", "last_penetration_test")


def _field_type(name: str) -> Any:
    if name in DURATION_FIELDS:
        return str | None  # ISO 8601 (PT4H) or as people write it (4 hours)
    if name in _DATES:
        return dt.date | None
    if name == "availability_target":
        return Decimal | None
    if name == "review_cycle_months":
        return int | None
    return str | None


def _description(name: str) -> str:
    field = cast(models.Field, OperationsProfile._meta.get_field(name))
    return (
        f"{field.verbose_name}. {field.help_text}".strip(". ")
        if field.help_text
        else str(field.verbose_name)
    )


ProfileIn = create_model(  # type: ignore[call-overload]
    "ProfileIn",
    __config__=ConfigDict(extra="forbid"),
    **{
        name: (_field_type(name), Field(None, description=_description(name)))
        for name in PROFILE_FIELDS
    },
)


class _ProfileOutBase(Schema):
    service: str = Field(alias="service.slug")


def _out_type(name: str) -> Any:
    if name in DURATION_FIELDS:
        # Stored as a timedelta, shown as ISO 8601 (PT4H).
        return Annotated[str | None, BeforeValidator(duration_iso)]
    return _field_type(name)


ProfileOut = create_model(  # type: ignore[call-overload]
    "ProfileOut",
    __base__=_ProfileOutBase,
    **{name: (_out_type(name), None) for name in PROFILE_FIELDS},
)


class ApprovalOut(Schema):
    role: str
    by: str
    at: dt.datetime


class VersionOut(Schema):
    number: int
    status: Literal["draft", "approved"]
    complete: bool
    generated_at: dt.datetime
    generated_by: str | None
    approvals: list[ApprovalOut]
    approved_at: dt.datetime | None
    downloads: dict[str, str]

    @staticmethod
    def resolve_status(version: GuideVersion) -> str:
        return "approved" if version.approved else "draft"

    @staticmethod
    def resolve_generated_by(version: GuideVersion) -> str | None:
        return version.generated_by.username if version.generated_by else None

    @staticmethod
    def resolve_approvals(version: GuideVersion) -> list[ApprovalOut]:
        approvals = []
        for role in ("osr_manager", "live_services_manager"):
            approval = version.approval_by(role)
            if approval:
                by, at = approval
                approvals.append(ApprovalOut(role=role, by=by, at=cast(dt.datetime, at)))
        return approvals

    @staticmethod
    def resolve_downloads(version: GuideVersion) -> dict[str, str]:
        slug = version.service.slug
        base = f"/api/v1/services/{slug}/operations-guide?version={version.number}&format="
        return {fmt: base + fmt for fmt in Format.values}


class SectionStateOut(Schema):
    number: int
    title: str
    complete: bool
    missing: list[str]


class StatusOut(Schema):
    complete: bool
    sections: list[SectionStateOut]
    latest_version: int | None
    approved_version: int | None
    out_of_date: bool
    changed_sections: list[str]
    support_documentation_met: bool = Field(description="AS-4 as the guide sees it")


class GuideSectionChangeOut(Schema):
    number: int
    title: str
    removed: list[str]
    added: list[str]

    @staticmethod
    def resolve_removed(change: SectionChange) -> list[str]:
        return [line for kind, line in change.lines if kind == "-"]

    @staticmethod
    def resolve_added(change: SectionChange) -> list[str]:
        return [line for kind, line in change.lines if kind == "+"]


class ExportIn(Input):
    formats: list[str] = Field(
        [Format.DOCX, Format.PDF],
        json_schema_extra={
            "items": {"type": "string", "enum": list[Any](Format.values)},
            "minItems": 1,
        },
    )


class ExportOut(Schema):
    id: int
    status: str
    formats: list[str]
    done: int
    total: int
    percent: int
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    download: str | None
    message: str

    @staticmethod
    def resolve_download(export: GuideExport) -> str | None:
        if not export.file:
            return None
        return f"/api/v1/operations-guides/exports/{export.pk}/download"


class GuideQuery(Schema):
    format: Literal["html", "docx", "pdf", "md", "json"] = "pdf"
    version: str | None = Field(None, description="A version number, or ‘current’; the latest")


class CompareQuery(Schema):
    from_: str = Field(..., alias="from")
    to: str = services.CURRENT


def _service(slug: str) -> Service:
    managers = ("delivery_group__osr_manager", "delivery_group__live_services_manager")
    return get_or_404(Service.objects.select_related("delivery_group", *managers), slug=slug)


def _profile_shown(profile: OperationsProfile) -> Any:
    return ProfileOut.model_validate(profile)


@router.get(
    "/services/{slug}/operations-profile",
    response=ProfileOut,
    summary="A service's operations profile: what the team writes for its guide",
)
def get_profile(request, response: HttpResponse, slug: str):
    service = _service(slug)
    require(request, "guides.view_guide", service)
    shown = _profile_shown(services.profile_of(service))
    response["ETag"] = etag_of(shown.model_dump())
    return shown


@router.patch(
    "/services/{slug}/operations-profile",
    response={200: ProfileOut, 412: ErrorOut, 428: ErrorOut},
    summary="Change some fields of a service's operations profile",
    description="Send the profile's current ETag in `If-Match`.",
)
def patch_profile(
    request,
    response: HttpResponse,
    slug: str,
    payload: ProfileIn,  # type: ignore[valid-type]
    if_match: str | None = Header(None, alias="If-Match"),
):
    service = _service(slug)
    require(request, "guides.change_profile", service)
    with transaction.atomic():
        # The service row is the lock: one profile edit at a time per service.
        Service.objects.select_for_update().filter(pk=service.pk).first()
        profile = services.profile_of(service)
        check_if_match(if_match, etag_of(_profile_shown(profile).model_dump()))
        data = current_values(profile)
        for name, value in payload.model_dump(exclude_unset=True).items():  # type: ignore[attr-defined]
            data[name] = "" if value is None else value
        form = ProfileForm(data=data, instance=profile)
        if not form.is_valid():
            raise invalid(form)
        shown = _profile_shown(services.save_profile(form, by=request.user))
    response["ETag"] = etag_of(shown.model_dump())
    return shown


@router.get(
    "/services/{slug}/operations-guide",
    summary="The guide as a download: html, docx, pdf or md (json: its data); the latest "
    "version, version N, or ‘current’",
    response={200: Any},
)
def get_guide(request, slug: str, params: Query[GuideQuery]):
    service = _service(slug)
    require(request, "guides.view_guide", service)
    guide = services.guide_for(service, params.version, today=timezone.localdate())
    if params.format == "json":
        response = HttpResponse(json.dumps(guide.to_dict()), content_type="application/json")
        return response
    return as_download(rendered(guide, params.format))


@router.get(
    "/services/{slug}/operations-guide/status",
    response=StatusOut,
    summary="How complete the guide is now, and whether its approved version is out of date",
)
def guide_status(request, slug: str):
    service = _service(slug)
    require(request, "guides.view_guide", service)
    status = services.guide_status(service, today=timezone.localdate())
    return {
        "complete": status.current.complete,
        "sections": [
            {"number": s.number, "title": s.title, "complete": s.complete, "missing": s.missing}
            for s in status.current.sections
        ],
        "latest_version": status.latest.number if status.latest else None,
        "approved_version": status.approved.number if status.approved else None,
        "out_of_date": status.out_of_date,
        "changed_sections": [change.heading for change in status.changes],
        "support_documentation_met": status.met,
    }


@router.get(
    "/services/{slug}/operations-guide/versions",
    response=list[VersionOut],
    summary="Every version of the guide, newest first",
)
@paginated
def list_versions(request, slug: str):
    service = _service(slug)
    require(request, "guides.view_guide", service)
    versions = GuideVersion.objects.filter(service=service).select_related(
        "service", "generated_by"
    )
    return versions.defer("data")


@router.post(
    "/services/{slug}/operations-guide/versions",
    response={201: VersionOut},
    summary="Generate the next numbered draft of the guide from what OSR holds now",
)
def create_version(request, slug: str):
    service = _service(slug)
    require(request, "guides.generate_guide", service)
    version = services.generate_version(service, by=request.user, today=timezone.localdate())
    return Status(201, version)


@router.get(
    "/services/{slug}/operations-guide/versions/{number}",
    response=VersionOut,
    summary="One version of the guide",
)
def get_version(request, slug: str, number: DatabaseId):
    service = _service(slug)
    require(request, "guides.view_guide", service)
    return services.version_of(service, number)


@router.post(
    "/services/{slug}/operations-guide/versions/{number}/approve",
    response={200: VersionOut, 409: ErrorOut},
    summary="Approve a version as the group's OSR manager or live services manager",
)
def approve_version(request, slug: str, number: DatabaseId):
    service = _service(slug)
    version = services.version_of(service, number)
    services.approve_version(version, by=request.user)
    return Status(200, version)


@router.get(
    "/services/{slug}/operations-guide/compare",
    response=list[GuideSectionChangeOut],
    summary="The sections that differ between two versions (or a version and ‘current’)",
)
@paginated
def compare_versions(request, slug: str, params: Query[CompareQuery]):
    service = _service(slug)
    require(request, "guides.view_guide", service)
    today = timezone.localdate()
    before = services.guide_for(service, params.from_, today=today)
    after = services.guide_for(service, params.to, today=today)
    return compare(before, after)


@router.post(
    "/operations-guides/exports",
    response={202: ExportOut},
    summary="Start a bulk export of every live service's approved guide as one zip",
)
def start_export(request, payload: ExportIn):
    require(request, "guides.export_guides")
    form = ExportForm(data={"formats": payload.formats})
    if not form.is_valid():
        raise invalid(form)
    export = services.request_export(form.cleaned_data["formats"], by=request.user)
    export.refresh_from_db()
    return Status(202, export)


@router.get(
    "/operations-guides/exports/{export_id}",
    response=ExportOut,
    summary="A bulk export's progress, and its download once finished",
)
def get_export(request, export_id: DatabaseId):
    require(request, "guides.export_guides")
    return get_object_or_404(GuideExport, pk=export_id)


@router.get(
    "/operations-guides/exports/{export_id}/download",
    summary="The zip of a finished bulk export",
    response={200: Any},
)
def download_export(request, export_id: DatabaseId):
    require(request, "guides.export_guides")
    export = get_object_or_404(GuideExport, pk=export_id)
    if not export.file:
        raise Http404("The export has not finished")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"osr-live-service-guides-{export.pk}.zip",
        content_type="application/zip",
    )
