"""Recording a service's rehearsals, and making a finding an action."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from osr.catalogue.models import Service
from osr.core.refusals import Refusal, show_on
from osr.core.shortcuts import crumbs, require

from .. import services
from ..forms import FindingActionForm, RehearsalForm
from ..models import Finding, Rehearsal
from .common import form_page


def _service(request, slug: str, perm: str) -> Service:
    service = get_object_or_404(Service.objects.select_related("delivery_group"), slug=slug)
    require(request, perm, service)
    return service


def _crumbs(service: Service, *more) -> list[dict]:
    return crumbs(
        ("Services", "/services"),
        (service.name, service.get_absolute_url() + "/operations#rehearsals"),
        *more,
    )


@require_http_methods(["GET", "POST"])
def rehearsal_add(request, slug: str):
    service = _service(request, slug, "reviews.add_rehearsal")
    form = RehearsalForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        rehearsal = services.record_rehearsal(
            service, form.cleaned_data, form.finding_lines(), by=request.user
        )
        messages.success(
            request, f"The {str(rehearsal)[0].lower()}{str(rehearsal)[1:]} is recorded"
        )
        return redirect("reviews:rehearsal", service.slug, rehearsal.pk)
    context = {
        "title": f"Record a rehearsal of {service.name}",
        "submit_text": "Record rehearsal",
        "cancel_url": service.get_absolute_url() + "/operations#rehearsals",
        "breadcrumbs": _crumbs(service),
    }
    return form_page(request, "layouts/form.html", context, form)


@require_GET
def rehearsal_page(request, slug: str, pk: int):
    service = _service(request, slug, "reviews.view_rehearsal")
    rehearsal = get_object_or_404(Rehearsal, service=service, pk=pk)
    findings = list(rehearsal.findings.select_related("action__owner").order_by("id"))
    context = {
        "title": f"{rehearsal} of {service.name}",
        "service": service,
        "rehearsal": rehearsal,
        "findings": findings,
        "may_raise": request.user.has_perm("reviews.raise_action", service),
        "breadcrumbs": _crumbs(service),
    }
    return render(request, "reviews/rehearsal.html", context)


@require_http_methods(["GET", "POST"])
def finding_action(request, slug: str, pk: int, finding: int):
    """Make a rehearsal's finding an action with an owner and a due date."""
    service = _service(request, slug, "reviews.raise_action")
    found = get_object_or_404(
        Finding.objects.select_related("rehearsal"),
        pk=finding,
        rehearsal__pk=pk,
        rehearsal__service=service,
    )
    form = FindingActionForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            action = services.raise_finding_action(
                found,
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
                by=request.user,
                today=timezone.localdate(),
            )
        except Refusal as refusal:
            show_on(form, refusal)
            status = refusal.status
        else:
            messages.success(request, "The finding is now an action")
            return redirect(action.get_absolute_url())
    back = f"/services/{service.slug}/rehearsals/{found.rehearsal_id}"
    context = {
        "title": "Make this finding an action",
        "intro": found.description,
        "submit_text": "Raise action",
        "cancel_url": back,
        "breadcrumbs": _crumbs(service, {"text": str(found.rehearsal), "href": back}),
    }
    return form_page(request, "reviews/finding_action_form.html", context, form, status=status)
