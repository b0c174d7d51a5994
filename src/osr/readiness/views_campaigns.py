"""Campaign pages: the list, starting one, a campaign with its burn-up, closing it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup
from osr.catalogue.rules import managed_group_ids
from osr.core.refusals import Refusal, show_on
from osr.core.roles import OSR_MANAGER
from osr.core.shortcuts import crumbs, day, get_or_404, require

from . import campaigns
from .choices import STATUS_COLOURS, Status
from .forms import CampaignForm, CloseCampaignForm
from .models import Campaign
from .policy import active_policy
from .trends import Chart


def _crumbs(*extra) -> list[dict]:
    return crumbs(("Readiness", "/readiness"), ("Campaigns", "/readiness/campaigns"), *extra)


def _campaign(pk: int) -> Campaign:
    return get_or_404(Campaign.objects.prefetch_related("groups"), pk=pk)


@require_GET
def campaign_list(request):
    require(request, "readiness.view_readiness")
    today = timezone.localdate()
    rows = list(Campaign.objects.prefetch_related("groups").select_related("started_by"))
    policy = active_policy()
    context = {
        "title": "Campaigns",
        "campaigns": rows,
        "requirements": {r.id: r.title for r in policy.requirements},
        "today": today,
        "may_start": request.user.has_perm("readiness.start_campaign"),
        "may_compare": request.user.has_perm("readiness.compare_policies"),
        "breadcrumbs": crumbs(("Readiness", "/readiness")),
    }
    return render(request, "readiness/campaign_list.html", context)


def _group_choices(user) -> list[tuple[str, str]]:
    groups = DeliveryGroup.objects.order_by("name")
    if not user.has_perm("readiness.start_estate_campaign"):
        groups = groups.filter(pk__in=managed_group_ids(user, OSR_MANAGER))
    return list(groups.values_list("slug", "name"))


@require_http_methods(["GET", "POST"])
def start_campaign(request):
    require(request, "readiness.start_campaign")
    today = timezone.localdate()
    policy = active_policy()
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        requirements=[(r.id, f"{r.id}: {r.title}") for r in policy.requirements],
        groups=_group_choices(request.user),
        phases=[(value, label) for value, label in Phase.choices if value != Phase.RETIRED],
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaigns.start_campaign(
                title=data["title"],
                requirement_id=data["requirement_id"],
                target_date=data["target_date"],
                groups=list(DeliveryGroup.objects.filter(slug__in=data["groups"])),
                phases=data["phases"],
                critical_only=data["critical_only"],
                reason=data["reason"],
                by=request.user,
                today=today,
            )
        except Refusal as refusal:
            show_on(form, refusal)
        else:
            messages.success(request, f"Campaign ‘{campaign.title}’ started")
            return redirect(campaign)
    context = {
        "title": "Start a campaign",
        "form": form,
        "submit_text": "Start the campaign",
        "cancel_url": "/readiness/campaigns",
        "breadcrumbs": _crumbs(),
    }
    return render(request, "layouts/form.html", context, status=422 if form.errors else 200)


def burn_up_chart(points: list[campaigns.BurnUpPoint]) -> Chart:
    """The campaign's burn-up as a chart with its table."""
    rows = tuple((day(p.day), (p.meeting, p.in_scope)) for p in points)
    first, last = points[0], points[-1]
    summary = (
        f"{first.meeting} of {first.in_scope} services met the requirement on {day(first.day)}; "
        f"{last.meeting} of {last.in_scope} on {day(last.day)}"
    )
    return Chart(
        "campaign-burn-up",
        "Services meeting the requirement",
        "line",
        "Week ending",
        ("Services meeting it", "Services in scope"),
        rows,
        summary,
        "",
        drawn=2,
    )


def scope_of(campaign: Campaign) -> str:
    """The campaign's scope in words."""
    labels = dict(Phase.choices)
    groups = ", ".join(group.name for group in campaign.groups.all()) or "Every delivery group"
    phases = ", ".join(labels[p] for p in campaign.phases).lower() or "every phase"
    critical = "; critical services only" if campaign.critical_only else ""
    return f"{groups}; {phases}{critical}"


@require_GET
def campaign_page(request, pk: int):
    require(request, "readiness.view_readiness")
    campaign = _campaign(pk)
    today = timezone.localdate()
    requirement = active_policy().requirement(campaign.requirement_id)
    current = campaigns.standings(campaign, today=today)
    current.sort(key=lambda s: (s.meets, s.loaded.group_name, s.loaded.facts.name))
    context = {
        "title": campaign.title,
        "campaign": campaign,
        "scope": scope_of(campaign),
        "requirement": requirement,
        "standings": current,
        "meeting": sum(s.meets for s in current),
        "chart": burn_up_chart(campaigns.burn_up(campaign, today=today, current=current)),
        "phase_labels": dict(Phase.choices),
        "labels": dict(Status.choices),
        "colours": STATUS_COLOURS,
        "today": today,
        "may_close": campaign.is_open
        and request.user.has_perm("readiness.close_campaign", campaign),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "readiness/campaign.html", context)


@require_http_methods(["GET", "POST"])
def close_campaign(request, pk: int):
    campaign = _campaign(pk)
    require(request, "readiness.close_campaign", campaign)
    form = CloseCampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.close_campaign(
                campaign,
                by=request.user,
                note=form.cleaned_data["note"],
                today=timezone.localdate(),
            )
        except Refusal as refusal:
            show_on(form, refusal)
        else:
            messages.success(request, f"Campaign ‘{campaign.title}’ closed")
            return redirect(campaign)
    context = {
        "title": f"Close the campaign ‘{campaign.title}’",
        "form": form,
        "submit_text": "Close the campaign",
        "cancel_url": campaign.get_absolute_url(),
        "breadcrumbs": _crumbs({"text": campaign.title, "href": campaign.get_absolute_url()}),
    }
    return render(request, "layouts/form.html", context, status=422 if form.errors else 200)
