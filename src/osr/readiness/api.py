"""The readiness API: a service's readiness, evidence and its review, waivers, the portfolio."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from osr.catalogue.choices import Phase
from osr.catalogue.models import Service
from osr.core.api_crud import FieldErrors, require

from . import services
from .forms import EvidenceForm, RejectForm, VerifyForm, WaiverForm
from .models import Evidence, NotAwaitingReview, Waiver
from .portfolio import PortfolioFilters
from .uploads import too_big_message, too_large_to_read

router = Router(tags=["Readiness"])


class EvidenceOut(Schema):
    id: int
    requirement: str
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


class RequirementOut(Schema):
    id: str
    title: str
    gate: str
    status: str
    reason: str
    evidence: list[EvidenceOut]


class BlockerOut(Schema):
    id: str
    reason: str


class ReadinessOut(Schema):
    phase: str
    policy_version: str
    next_phase: str | None
    ready_for_next_phase: bool
    percent: int
    requirements: list[RequirementOut]
    blockers: list[BlockerOut]


class GateOut(Schema):
    id: str
    title: str
    satisfied: bool
    open: list[str]


class PortfolioRowOut(Schema):
    service: str
    name: str
    delivery_group: str
    phase: str
    policy_version: str
    next_phase: str | None
    ready_for_next_phase: bool
    percent: int
    gates: list[GateOut]
    live_data_flagged: bool
    live_data_overdue: bool
    blockers: list[BlockerOut]


class PortfolioPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[PortfolioRowOut]


class PortfolioParams(Schema):
    group: str = ""
    phase: str = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=settings.OSR_API_MAX_PAGE_SIZE)


class VerifyIn(Schema):
    note: str = ""


class RejectIn(Schema):
    reason: str = ""


class WaiverIn(Schema):
    requirement: str
    reason: str = ""
    expires_on: dt.date | None = None


class WaiverOut(Schema):
    id: int
    requirement: str
    reason: str
    expires_on: dt.date | None
    granted_by: str | None
    granted_at: dt.datetime
    policy_version: str


class ProblemOut(Schema):
    detail: str


_EVIDENCE_FIELDS = {
    "requirement": {"type": "string", "example": "LD-1"},
    "attestation": {"type": "string"},
    "links": {"type": "array", "items": {"type": "string", "format": "uri"}},
    "evidence_date": {"type": "string", "format": "date"},
    "pack_version": {"type": "string"},
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
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["requirement"],
                    "properties": _EVIDENCE_FIELDS
                    | {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


def _service(slug: str) -> Service:
    try:
        return Service.objects.select_related("delivery_group").get(slug=slug)
    except Service.DoesNotExist as error:
        raise Http404(f"No service {slug}") from error


def _evidence(pk: int) -> Evidence:
    try:
        return Evidence.objects.select_related("service", "submitted_by", "reviewed_by").get(pk=pk)
    except Evidence.DoesNotExist as error:
        raise Http404(f"No evidence {pk}") from error


def _requirement(requirement_id: str):
    try:
        return services.requirement_of(requirement_id)
    except services.UnknownRequirement as error:
        raise FieldErrors(
            {"requirement": [f"No requirement ‘{requirement_id}’ in the policy"]}
        ) from error


def _form_errors(form) -> FieldErrors:
    return FieldErrors({name: [str(m) for m in messages] for name, messages in form.errors.items()})


def evidence_out(evidence: Evidence) -> dict:
    return {
        "id": evidence.pk,
        "requirement": evidence.requirement_id,
        "status": evidence.status,
        "attestation": evidence.attestation,
        "links": evidence.links,
        "file": reverse("readiness:evidence_file", args=[evidence.pk]) if evidence.file else None,
        "file_name": evidence.file_name,
        "file_type": evidence.file_type,
        "evidence_date": evidence.evidence_date,
        "pack_version": evidence.pack_version,
        "pack_date": evidence.pack_date,
        "submitted_by": evidence.submitted_by.username if evidence.submitted_by else None,
        "submitted_at": evidence.submitted_at,
        "reviewed_by": evidence.reviewed_by.username if evidence.reviewed_by else None,
        "reviewed_at": evidence.reviewed_at,
        "review_note": evidence.review_note,
        "policy_version": evidence.policy_version,
    }


def readiness_out(service: Service, evaluation) -> dict:
    """A service's readiness as the API and ``osr readiness --json`` answer it."""
    evidence: dict[str, list[dict]] = {}
    for item in Evidence.objects.filter(service=service).select_related(
        "submitted_by", "reviewed_by"
    ):
        evidence.setdefault(item.requirement_id, []).append(evidence_out(item))
    return {
        "phase": evaluation.phase,
        "policy_version": evaluation.policy_version,
        "next_phase": evaluation.next_phase,
        "ready_for_next_phase": evaluation.ready,
        "percent": evaluation.percent,
        "requirements": [
            {
                "id": r.id,
                "title": r.title,
                "gate": r.gate,
                "status": r.status,
                "reason": r.reason,
                "evidence": evidence.get(r.id, []),
            }
            for r in evaluation.requirements
        ],
        "blockers": [{"id": b.requirement_id, "reason": b.reason} for b in evaluation.blockers],
    }


@router.get(
    "/services/{slug}/readiness",
    response=ReadinessOut,
    summary="A service's readiness: each requirement, and what stops its next phase",
)
def service_readiness(request, slug: str):
    service = _service(slug)
    require(request, "readiness.view_readiness", service)
    evaluation = services.readiness_of(service, today=timezone.localdate())
    return readiness_out(service, evaluation)


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
        raise FieldErrors({"file": [too_big_message()]})
    data, files = _evidence_input(request)
    requirement = _requirement(str(data.get("requirement", "")))
    form = EvidenceForm(data, files, requirement=requirement, today=timezone.localdate())
    if not form.is_valid():
        raise _form_errors(form)
    evidence = services.submit_evidence(
        service, requirement, data=form.cleaned_data, file_kind=form.file_kind, by=request.user
    )
    return Status(201, evidence_out(_evidence(evidence.pk)))


@router.post(
    "/evidence/{evidence_id}/verify",
    response={200: EvidenceOut, 409: ProblemOut},
    summary="Verify evidence: the requirement is met",
)
def verify_evidence(request, evidence_id: int, body: VerifyIn):
    evidence = _evidence(evidence_id)
    require(request, "readiness.verify_evidence", evidence)
    form = VerifyForm({"note": body.note})
    if not form.is_valid():
        raise _form_errors(form)
    try:
        services.verify_evidence(evidence, by=request.user, note=form.cleaned_data["note"])
    except NotAwaitingReview as error:
        return Status(409, {"detail": str(error)})
    return Status(200, evidence_out(_evidence(evidence_id)))


@router.post(
    "/evidence/{evidence_id}/reject",
    response={200: EvidenceOut, 409: ProblemOut},
    summary="Reject evidence, with the reason the team will see",
)
def reject_evidence(request, evidence_id: int, body: RejectIn):
    evidence = _evidence(evidence_id)
    require(request, "readiness.reject_evidence", evidence)
    form = RejectForm({"reason": body.reason})
    if not form.is_valid():
        raise _form_errors(form)
    try:
        services.reject_evidence(evidence, by=request.user, reason=form.cleaned_data["reason"])
    except NotAwaitingReview as error:
        return Status(409, {"detail": str(error)})
    return Status(200, evidence_out(_evidence(evidence_id)))


@router.post(
    "/services/{slug}/waivers",
    response={201: WaiverOut},
    summary="Waive a requirement for a service, with a reason and an optional end date",
)
def waive_requirement(request, slug: str, body: WaiverIn):
    service = _service(slug)
    require(request, "readiness.waive_requirement", service)
    requirement = _requirement(body.requirement)
    form = WaiverForm(
        {"reason": body.reason, "expires_on": body.expires_on or ""}, today=timezone.localdate()
    )
    if not form.is_valid():
        raise _form_errors(form)
    waiver = services.waive_requirement(
        service,
        requirement,
        reason=form.cleaned_data["reason"],
        expires_on=form.cleaned_data["expires_on"],
        by=request.user,
    )
    return Status(201, waiver_out(Waiver.objects.select_related("granted_by").get(pk=waiver.pk)))


def waiver_out(waiver: Waiver) -> dict:
    return {
        "id": waiver.pk,
        "requirement": waiver.requirement_id,
        "reason": waiver.reason,
        "expires_on": waiver.expires_on,
        "granted_by": waiver.granted_by.username if waiver.granted_by else None,
        "granted_at": waiver.granted_at,
        "policy_version": waiver.policy_version,
    }


@router.get(
    "/readiness",
    response=PortfolioPage,
    summary="The readiness portfolio: every service against the gates, a page at a time",
)
def readiness_portfolio(request, params: Query[PortfolioParams]):
    require(request, "readiness.view_readiness")
    if params.phase and params.phase not in Phase.values:
        raise FieldErrors({"phase": [f"Choose one of: {', '.join(Phase.values)}"]})
    services_qs = PortfolioFilters(group=params.group, phase=params.phase).services()
    count = services_qs.count()
    start = (params.page - 1) * params.page_size
    rows = services.portfolio(
        services_qs[start : start + params.page_size], today=timezone.localdate()
    )

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "next": link(params.page + 1) if start + params.page_size < count else None,
        "previous": link(params.page - 1) if params.page > 1 else None,
        "results": [
            {
                "service": item.facts.slug,
                "name": item.facts.name,
                "delivery_group": item.group_slug,
                "phase": ev.phase,
                "policy_version": ev.policy_version,
                "next_phase": ev.next_phase,
                "ready_for_next_phase": ev.ready,
                "percent": ev.percent,
                "gates": [
                    {"id": g.id, "title": g.title, "satisfied": g.satisfied, "open": list(g.open)}
                    for g in ev.gates
                ],
                "live_data_flagged": ev.live_data_flagged,
                "live_data_overdue": ev.live_data_overdue,
                "blockers": [{"id": b.requirement_id, "reason": b.reason} for b in ev.blockers],
            }
            for item, ev in rows
        ],
    }


def _evidence_input(request) -> tuple[dict, dict]:
    """The submission from a JSON body, or from a multipart form carrying a file."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as error:
            raise FieldErrors({"__all__": ["The body is not valid JSON"]}) from error
        if not isinstance(data, dict):
            raise FieldErrors({"__all__": ["The body must be a JSON object"]})
        return data, {}
    data = {key: request.POST.get(key) for key in request.POST}
    links = request.POST.getlist("links")
    if len(links) > 1:
        data["links"] = links
    return data, request.FILES
