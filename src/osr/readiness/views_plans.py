"""A service's planned date for its next phase and its forecast; the policy comparison page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from osr.catalogue.choices import Phase
from osr.catalogue.models import Service
from osr.core.refusals import Refusal, show_on
from osr.core.shortcuts import crumbs, require

from .checks import registered_checks
from .engine import next_phase_of
from .forecasts import forecasts, plan_next_phase
from .forms import PhasePlanForm
from .models import PhasePlan
from .policy import PolicyError, active_policy, parse_policy
from .policy_diff import policy_diff


def forecast_panel(request, service: Service) -> dict:
    """The service's plan for its next phase, and whether it is on track (Readiness section)."""
    today = timezone.localdate()
    found = forecasts(Service.objects.filter(pk=service.pk), today=today)
    return {
        "forecast": found[0] if found else None,
        "next_phase": next_phase_of(service.phase),
        "phase_labels": dict(Phase.choices),
        "may_plan": request.user.has_perm("readiness.plan_phase", service),
    }


@require_http_methods(["GET", "POST"])
def plan_phase(request, slug: str):
    service = get_object_or_404(Service.objects.select_related("delivery_group"), slug=slug)
    require(request, "readiness.plan_phase", service)
    today = timezone.localdate()
    next_phase = next_phase_of(service.phase)
    current = PhasePlan.objects.filter(service=service, phase=next_phase).first()
    initial = {"planned_on": current.planned_on} if current else None
    form = PhasePlanForm(
        request.POST if request.method == "POST" else None, initial=initial, today=today
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan_next_phase(
                service, planned_on=form.cleaned_data["planned_on"], by=request.user, today=today
            )
        except Refusal as refusal:
            show_on(form, refusal)
        else:
            messages.success(request, f"Planned date for {service.name} saved")
            return redirect("catalogue:service_section", service.slug, "readiness")
    readiness_url = f"{service.get_absolute_url()}/readiness"
    label = dict(Phase.choices).get(next_phase or "", "its next phase").lower()
    context = {
        "title": f"When does {service.name} plan to enter {label}?",
        "form": form,
        "submit_text": "Save the planned date",
        "cancel_url": readiness_url,
        "breadcrumbs": crumbs(
            ("Services", "/services"),
            (service.name, service.get_absolute_url()),
            ("Readiness", readiness_url),
        ),
    }
    return render(request, "layouts/form.html", context, status=422 if form.errors else 200)


class ComparePoliciesForm(forms.Form):
    new_policy = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        label="The new policy (YAML)",
        help_text="Paste the whole policy file. It is compared with the policy OSR runs now",
        error_messages={"required": "Paste the new policy"},
    )


@require_http_methods(["GET", "POST"])
def compare_policies(request):
    """Administrators see what a new policy changes, and which services would fall short."""
    require(request, "readiness.compare_policies")
    form = ComparePoliciesForm(request.POST if request.method == "POST" else None)
    diff = None
    if request.method == "POST" and form.is_valid():
        try:
            new = parse_policy(
                form.cleaned_data["new_policy"],
                source="the new policy",
                known_checks=registered_checks(),
            )
        except PolicyError as error:
            for line in error.lines[:10]:
                form.add_error("new_policy", line)
        else:
            diff = policy_diff(active_policy(), new, today=timezone.localdate())
    context = {
        "title": "Compare a new readiness policy",
        "form": form,
        "diff": diff,
        "breadcrumbs": crumbs(("Readiness", "/readiness")),
    }
    return render(
        request, "readiness/policy_compare.html", context, status=422 if form.errors else 200
    )
