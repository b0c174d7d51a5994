"""The readiness API: a service's readiness, evidence and its review, waivers, the portfolio."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from osr.catalogue.choices import Phase
from osr.catalogue.models import Service
from osr.core.answers import With
from osr.core.api_contract import UNKNOWN_FIELD, WEB_ADDRESS, Input, refers_to
from osr.core.api_crud import ErrorOut
from osr.core.compiled import AllBy, OneBy
from osr.core.paging import Shown, paginated
from osr.core.refusals import Invalid, invalid
from osr.core.resources import DatabaseId
from osr.core.shortcuts import get_or_404, one_or_404, require

from . import services
from .engine import Evaluation
from .forms import EvidenceForm, RejectForm, VerifyForm, WaiverForm
from .models import Evidence, ReadinessResult, Waiver
from .portfolio import PortfolioFilters, listed, rows_of
from .results import current_evaluation, ensure_current
from .uploads import too_big_message, too_large_to_read

router = Router(tags=["Readiness"])


def _username(user) -> str | None:
    return user.username if user else None


class EvidenceOut(Schema):
    id: int
    requirement: str = Field(alias="requirement_id")
    status: str
    attestation: str
    links: list[str]
    file: str | None  # the download address, for signed-in users
    file_name: str
    file_type: str
    evidence_date: dt.date | None
    pack_version: str
    pack_date: dt.date | None
    submitted_by: str | None
    submitted_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_note: str
    policy_version: str

    @staticmethod
    def resolve_file(evidence: Evidence) -> str | None:
        return reverse("readiness:evidence_file", args=[evidence.pk]) if evidence.file else None

    @staticmethod
    def resolve_submitted_by(evidence: Evidence) -> str | None:
        return _username(evidence.submitted_by)

    @staticmethod
    def resolve_reviewed_by(evidence: Evidence) -> str | None:
        return _username(evidence.reviewed_by)


class RequirementOut(Schema):
    id: str
    title: str
    gate: str
    status: str
    reason: str
    coming: bool = False  # shown before its effective date, blocking nothing until then
    evidence: list[EvidenceOut]


class BlockerOut(Schema):
    id: str = Field(alias="requirement_id")
    reason: str


class ReadinessOut(Schema):
    phase: str
    policy_version: str
    next_phase: str | None
    ready_for_next_phase: bool = Field(alias="ready")
    percent: int
    requirements: list[RequirementOut]
    blockers: list[BlockerOut]

    @staticmethod
    def resolve_requirements(readiness: With) -> list[With]:
        evidence = readiness.evidence_by_requirement
        return [With(r, evidence=evidence.get(r.id, [])) for r in readiness.requirements]


class GateOut(Schema):
    id: str
    title: str
    satisfied: bool
    open: list[str]


class PortfolioRowOut(Schema):
    service: str = Field(alias="row.slug")
    name: str = Field(alias="row.name")
    delivery_group: str = Field(alias="row.group_slug")
    phase: str
    policy_version: str
    next_phase: str | None
    ready_for_next_phase: bool = Field(alias="ready")
    percent: int
    gates: list[GateOut]
    live_data_flagged: bool
    live_data_overdue: bool
    blockers: list[BlockerOut]


class PortfolioQuery(Schema):
    group: str = ""
    # Checked by the view, which names the phases; "" is every phase.
    phase: str = Field("", json_schema_extra={"enum": ["", *Phase.values]})


class VerifyIn(Input):
    note: str = ""


class RejectIn(Input):
    reason: str = ""


class WaiverIn(Input):
    requirement: Annotated[str, refers_to("requirements")]
    reason: str = ""
    expires_on: dt.date | None = None


class WaiverOut(Schema):
    id: int
    requirement: str = Field(alias="requirement_id")
    reason: str
    expires_on: dt.date | None
    granted_by: str | None
    granted_at: dt.datetime
    policy_version: str

    @staticmethod
    def resolve_granted_by(waiver: Waiver) -> str | None:
        return _username(waiver.granted_by)


# What else is needed (a date, a pack, at least one of an attestation, a link or a
# file) depends on the requirement: it refers to the policy's requirements.
_EVIDENCE_FIELDS = {
    "requirement": {"type": "string", "example": "LD-1", "x-refers-to": "requirements"},
    "attestation": {"type": "string"},
    "links": {
        "type": "array",
        "items": {"type": "string", "pattern": WEB_ADDRESS, "maxLength": 2048},
    },
    "evidence_date": {"type": "string", "format": "date"},
    "pack_version": {"type": "string", "maxLength": 50},
    "pack_date": {"type": "string", "format": "date"},
}
_EVIDENCE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["requirement"],
                    "properties": _EVIDENCE_FIELDS,
                    "additionalProperties": False,
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["requirement"],
                    "properties": _EVIDENCE_FIELDS
                    | {"file": {"type": "string", "format": "binary"}},
                    "additionalProperties": False,
                }
            },
        },
    }
}


_SERVICE = OneBy(lambda: Service.objects.select_related("delivery_group"), "slug")
# The stored result comes with the service: one query for both.
_SERVICE_WITH_RESULT = OneBy(
    lambda: Service.objects.select_related("delivery_group", "readiness_result"), "slug"
)


def _service(slug: str) -> Service:
    return one_or_404(_SERVICE, slug)


def _evidence(pk: int) -> Evidence:
    evidence = Evidence.objects.select_related("service", "submitted_by", "reviewed_by")
    return get_or_404(evidence, pk=pk)


# Every view of a service's readiness reads its evidence: the SQL is written once.
_EVIDENCE_OF = AllBy(
    lambda: Evidence.objects.select_related("submitted_by", "reviewed_by"), "service"
)


def readiness_shown(service: Service, evaluation: Evaluation) -> With:
    """A service's evaluation with its evidence by requirement: what ``ReadinessOut`` shows
    (the API's answer and ``osr readiness --json``)."""
    evidence: dict[str, list[Evidence]] = {}
    for item in _EVIDENCE_OF.get(service.pk):
        evidence.setdefault(item.requirement_id, []).append(item)
    return With(evaluation, evidence_by_requirement=evidence)


@router.get(
    "/services/{slug}/readiness",
    response=ReadinessOut,
    summary="A service's readiness: each requirement, and what stops its next phase",
)
def service_readiness(request, slug: str):
    service = one_or_404(_SERVICE_WITH_RESULT, slug)
    require(request, "readiness.view_readiness", service)
    return readiness_shown(service, current_evaluation(service, today=timezone.localdate()))


@router.post(
    "/services/{slug}/evidence",
    response={201: EvidenceOut},
    summary="Submit evidence for a requirement (JSON, or multipart with a file)",
    openapi_extra=_EVIDENCE_BODY,
)
def submit_evidence(request, slug: str):
    service = _service(slug)
    require(request, "readiness.submit_evidence", service)
    if too_large_to_read(request):
        raise Invalid({"file": [too_big_message()]})
    data, files = _evidence_input(request)
    # As with every other body, a field the API does not know is refused, not dropped.
    unknown = (set(data) | set(files)) - set(_EVIDENCE_FIELDS) - {"file"}
    if unknown:
        raise Invalid({name: [UNKNOWN_FIELD] for name in sorted(unknown)})
    requirement = services.requirement_of(str(data.get("requirement", "")))
    form = EvidenceForm(data, files, requirement=requirement, today=timezone.localdate())
    if not form.is_valid():
        raise invalid(form)
    evidence = services.submit_evidence(
        service, requirement, data=form.cleaned_data, file_kind=form.file_kind, by=request.user
    )
    return Status(201, _evidence(evidence.pk))


@router.post(
    "/evidence/{evidence_id}/verify",
    response={200: EvidenceOut, 409: ErrorOut},
    summary="Verify evidence: the requirement is met",
)
def verify_evidence(request, evidence_id: DatabaseId, body: VerifyIn):
    evidence = _evidence(evidence_id)
    require(request, "readiness.verify_evidence", evidence)
    form = VerifyForm({"note": body.note})
    if not form.is_valid():
        raise invalid(form)
    services.verify_evidence(evidence, by=request.user, note=form.cleaned_data["note"])
    return Status(200, _evidence(evidence_id))


@router.post(
    "/evidence/{evidence_id}/reject",
    response={200: EvidenceOut, 409: ErrorOut},
    summary="Reject evidence, with the reason the team will see",
)
def reject_evidence(request, evidence_id: DatabaseId, body: RejectIn):
    evidence = _evidence(evidence_id)
    require(request, "readiness.reject_evidence", evidence)
    form = RejectForm({"reason": body.reason})
    if not form.is_valid():
        raise invalid(form)
    services.reject_evidence(evidence, by=request.user, reason=form.cleaned_data["reason"])
    return Status(200, _evidence(evidence_id))


@router.post(
    "/services/{slug}/waivers",
    response={201: WaiverOut},
    summary="Waive a requirement for a service, with a reason and an optional end date",
)
def waive_requirement(request, slug: str, body: WaiverIn):
    service = _service(slug)
    require(request, "readiness.waive_requirement", service)
    requirement = services.requirement_of(body.requirement)
    form = WaiverForm(
        {"reason": body.reason, "expires_on": body.expires_on or ""}, today=timezone.localdate()
    )
    if not form.is_valid():
        raise invalid(form)
    waiver = services.waive_requirement(
        service,
        requirement,
        reason=form.cleaned_data["reason"],
        expires_on=form.cleaned_data["expires_on"],
        by=request.user,
    )
    return Status(201, Waiver.objects.select_related("granted_by").get(pk=waiver.pk))


@router.get(
    "/readiness",
    response=list[PortfolioRowOut],
    summary="The readiness portfolio: every service against the gates, a page at a time",
)
@paginated
def readiness_portfolio(request, params: Query[PortfolioQuery]):
    require(request, "readiness.view_readiness")
    if params.phase and params.phase not in Phase.values:
        raise Invalid({"phase": [f"Choose one of: {', '.join(Phase.values)}"]})
    filters = PortfolioFilters(group=params.group, phase=params.phase)
    ensure_current(filters.services(), today=timezone.localdate())

    def show(page: QuerySet[ReadinessResult]) -> list[With]:
        return [With(row.evaluation, row=row) for row in rows_of(listed(page))]

    return Shown(filters.results(), show)


def _evidence_input(request) -> tuple[dict, dict]:
    """The submission from a JSON body, or from a multipart form carrying a file."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as error:
            raise Invalid({"__all__": ["The body is not valid JSON"]}) from error
        if not isinstance(data, dict):
            raise Invalid({"__all__": ["The body must be a JSON object"]})
        return data, {}
    data = {key: request.POST.get(key) for key in request.POST}
    links = request.POST.getlist("links")
    if len(links) > 1:
        data["links"] = links
    return data, request.FILES
