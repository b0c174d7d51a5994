"""Readiness pages: the service page's task list, requirement pages, their forms, the portfolio."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup, Service
from osr.core.generic_views import page_number
from osr.core.shortcuts import crumbs, require

from . import services
from .choices import MEDIA_TYPES, STATUS_COLOURS, EvidenceStatus, Status
from .forms import EvidenceForm, RejectForm, VerifyForm, WaiverForm
from .models import Evidence, NotAwaitingReview, RequirementEvent, Waiver
from .policy import active_policy
from .portfolio import SHOW, PortfolioFilters, groups_with_gaps, rows_of, stored_portfolio
from .results import current_evaluation
from .trends import trends_of_group
from .uploads import too_big_message, too_large_to_read

PORTFOLIO_PAGE_SIZE = 50


def _service(slug: str) -> Service:
    return get_object_or_404(Service.objects.select_related("delivery_group"), slug=slug)


def _requirement(requirement_id: str):
    try:
        return services.requirement_of(requirement_id)
    except services.UnknownRequirement as error:
        raise Http404(f"No requirement {requirement_id}") from error


def _evidence(pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("service", "service__delivery_group"), pk=pk
    )


def _crumbs(service: Service, *extra: dict) -> list[dict]:
    return crumbs(("Services", "/services"), (service.name, service.get_absolute_url()), *extra)


def service_panel(request, service: Service) -> dict:
    """The readiness section of the service page: a task list by gate, and what blocks."""
    policy = active_policy()
    evaluation = current_evaluation(service, today=timezone.localdate(), policy=policy)
    results = {r.id: r for r in evaluation.requirements}
    counts = dict(
        Evidence.objects.filter(service=service)
        .values_list("requirement_id")
        .annotate(Count("id"))
        .order_by()
    )
    groups = [
        (gate, evaluation.gate(gate.id), [results[r.id] for r in policy.in_gate(gate.id)])
        for gate in policy.gates
    ]
    return {
        "evaluation": evaluation,
        "groups": groups,
        "labels": {value: label for value, label in Status.choices},
        "colours": STATUS_COLOURS,
        "phase_labels": dict(Phase.choices),
        "evidence_counts": counts,
        "from_phase": {r.id: r.applies.from_phase for r in policy.requirements},
    }


@require_GET
def requirement_page(request, slug: str, requirement_id: str):
    # The stored result comes with the service: one query for both.
    service = get_object_or_404(
        Service.objects.select_related("delivery_group", "readiness_result"), slug=slug
    )
    require(request, "readiness.view_readiness", service)
    requirement = _requirement(requirement_id)
    evaluation = current_evaluation(service, today=timezone.localdate())
    mine = {"service": service, "requirement_id": requirement.id}
    evidence = list(
        Evidence.objects.filter(**mine).select_related(
            "submitted_by__person", "reviewed_by__person"
        )
    )
    history = RequirementEvent.objects.filter(**mine).select_related("by__person")
    user = request.user
    context = {
        "title": f"{requirement.id}: {requirement.title}",
        "service": service,
        "requirement": requirement,
        "gate": active_policy().gate(requirement.gate),
        "result": evaluation.requirement(requirement.id),
        "evidence": evidence,
        "history": list(history),
        "waivers": list(Waiver.objects.filter(**mine).select_related("granted_by__person")),
        "may_submit": user.has_perm("readiness.submit_evidence", service),
        "may_review": user.has_perm("readiness.verify_evidence", service),
        "may_waive": user.has_perm("readiness.waive_requirement", service),
        "labels": {value: label for value, label in Status.choices},
        "colours": STATUS_COLOURS,
        "awaiting": EvidenceStatus.SUBMITTED,
        "breadcrumbs": _crumbs(service),
    }
    return render(request, "readiness/requirement.html", context)


@require_http_methods(["GET", "POST"])
def submit_evidence(request, slug: str, requirement_id: str):
    service = _service(slug)
    require(request, "readiness.submit_evidence", service)
    requirement = _requirement(requirement_id)
    today = timezone.localdate()
    if request.method == "POST" and too_large_to_read(request):
        form = EvidenceForm({}, requirement=requirement, today=today)
        form.add_error("file", too_big_message())
    else:
        form = EvidenceForm(*_posted(request), requirement=requirement, today=today)
    if request.method == "POST" and form.is_valid():
        services.submit_evidence(
            service, requirement, data=form.cleaned_data, file_kind=form.file_kind, by=request.user
        )
        messages.success(request, f"Evidence for {requirement.id} submitted for verification")
        return redirect("readiness:requirement", service.slug, requirement.id)
    return _form_page(
        request,
        "readiness/evidence_form.html",
        form,
        service,
        requirement,
        title=f"Submit evidence for {requirement.id}",
        submit_text="Submit evidence",
    )


@require_http_methods(["GET", "POST"])
def verify_evidence(request, pk: int):
    evidence = _evidence(pk)
    require(request, "readiness.verify_evidence", evidence)
    form = VerifyForm(*_posted(request)[:1])
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_evidence(evidence, by=request.user, note=form.cleaned_data["note"])
        except NotAwaitingReview as error:
            form.add_error(None, str(error))
            return _review_page(request, form, evidence, "Verify", status=409)
        messages.success(request, f"Evidence for {evidence.requirement_id} verified")
        return redirect(evidence.get_absolute_url())
    return _review_page(request, form, evidence, "Verify")


@require_http_methods(["GET", "POST"])
def reject_evidence(request, pk: int):
    evidence = _evidence(pk)
    require(request, "readiness.reject_evidence", evidence)
    form = RejectForm(*_posted(request)[:1])
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_evidence(evidence, by=request.user, reason=form.cleaned_data["reason"])
        except NotAwaitingReview as error:
            form.add_error(None, str(error))
            return _review_page(request, form, evidence, "Reject", status=409)
        messages.success(request, f"Evidence for {evidence.requirement_id} rejected")
        return redirect(evidence.get_absolute_url())
    return _review_page(request, form, evidence, "Reject")


@require_http_methods(["GET", "POST"])
def waive_requirement(request, slug: str, requirement_id: str):
    service = _service(slug)
    require(request, "readiness.waive_requirement", service)
    requirement = _requirement(requirement_id)
    form = WaiverForm(*_posted(request)[:1], today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        services.waive_requirement(
            service,
            requirement,
            reason=form.cleaned_data["reason"],
            expires_on=form.cleaned_data["expires_on"],
            by=request.user,
        )
        messages.success(request, f"{requirement.id} waived for {service.name}")
        return redirect("readiness:requirement", service.slug, requirement.id)
    return _form_page(
        request,
        "layouts/form.html",
        form,
        service,
        requirement,
        title=f"Waive {requirement.id} for {service.name}",
        submit_text="Waive requirement",
    )


@require_GET
def evidence_file(request, pk: int):
    """An uploaded file, only ever as a download, and only to people signed in."""
    evidence = _evidence(pk)
    require(request, "readiness.view_evidence", evidence)
    if not evidence.file:
        raise Http404("No file")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name or f"evidence.{evidence.file_type}",
        content_type=MEDIA_TYPES.get(evidence.file_type, "application/octet-stream"),
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def portfolio_page(request):
    require(request, "readiness.view_readiness")
    today = timezone.localdate()
    filters = PortfolioFilters.from_query(request.GET)
    counts, results = stored_portfolio(filters, today=today)
    # Paged by key, so that the database sorts narrow rows, not every stored evaluation.
    keys = results.values_list("pk", flat=True)
    page = Paginator(keys, PORTFOLIO_PAGE_SIZE).get_page(page_number(request))
    page.object_list = rows_of(results.filter(pk__in=list(page.object_list)))
    queue_count, queue = services.awaiting_verification(request.user)
    context = {
        "title": "Readiness portfolio",
        "filters": filters,
        "counts": counts,
        "page": page,
        "gates": active_policy().gates,
        "queue": queue,
        "queue_count": queue_count,
        "gaps": groups_with_gaps(),
        "group_choices": list(DeliveryGroup.objects.order_by("name").values_list("slug", "name")),
        "phase_choices": Phase.choices,
        "show_choices": SHOW,
        "phase_labels": dict(Phase.choices),
        "trends": trends_of_group(filters.group, today=today),
        "breadcrumbs": crumbs(),
    }
    return render(request, "readiness/portfolio.html", context)


def _posted(request) -> tuple:
    """What binds a form: the posted data and files, or nothing for a first showing."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _form_page(request, template, form, service, requirement, *, title, submit_text):
    requirement_url = reverse("readiness:requirement", args=[service.slug, requirement.id])
    context = {
        "title": title,
        "form": form,
        "service": service,
        "requirement": requirement,
        "submit_text": submit_text,
        "multipart": True,
        "cancel_url": requirement_url,
        "breadcrumbs": _crumbs(service, {"text": requirement.id, "href": requirement_url}),
    }
    return render(request, template, context, status=422 if form.errors else 200)


def _review_page(request, form, evidence, action: str, status: int | None = None):
    service = evidence.service
    context = {
        "title": f"{action} evidence for {evidence.requirement_id}",
        "form": form,
        "evidence": evidence,
        "submit_text": f"{action} evidence",
        "cancel_url": evidence.get_absolute_url(),
        "breadcrumbs": _crumbs(
            service, {"text": evidence.requirement_id, "href": evidence.get_absolute_url()}
        ),
    }
    return render(
        request,
        "readiness/review_form.html",
        context,
        status=status or (422 if form.errors else 200),
    )
