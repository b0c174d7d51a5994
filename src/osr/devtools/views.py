"""Pages for a service's code host integrations, its change model and its change history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from osr.catalogue.choices import Phase
from osr.catalogue.models import Service
from osr.core.concurrency import edit_conflict, version_token
from osr.core.generic_views import page_number
from osr.core.shortcuts import crumbs, require
from osr.graph.blast import BlastRadius
from osr.myit.views import record_url

from . import services
from .choices import ChangeRoute, ChangeStatus
from .estate import COMING_DAYS, ChangeFilterForm, ChangeFilters, changes_in_estate
from .forms import ChangeForm, ChangeModelForm, IntegrationForm
from .models import ChangeModel, ChangeRequest, Integration

HISTORY_ON_SERVICE_PAGE = 10
COMING_ON_SERVICE_PAGE = 5


def _service(request, slug: str, perm: str = "") -> Service:
    service = get_object_or_404(Service, slug=slug)
    if perm:
        require(request, perm, service)
    return service


def _crumbs(service: Service, *extra: dict) -> list[dict]:
    return crumbs(("Services", "/services"), (service.name, service.get_absolute_url()), *extra)


def change_rows(changes) -> list[dict]:
    """Each change with its MyIT link, for the history tables."""
    return [{"change": c, "myit_url": record_url("change_request", c.myit_sys_id)} for c in changes]


def panel_context(request, service: Service) -> dict:
    """The service page's change history from developer tooling, and PUB-2."""
    changes = list(
        ChangeRequest.objects.filter(service=service).select_related("integration")[
            :HISTORY_ON_SERVICE_PAGE
        ]
    )
    return {
        "service": service,
        "changes": change_rows(changes),
        "check": services.automated_links_of(service),
        "integrations_url": reverse("devtools:integrations", args=[service.slug]),
        "may_retry": request.user.has_perm("devtools.retry_changerequest", service),
    }


@require_http_methods(["GET"])
def integrations(request, slug: str):
    """The code hosts linked to a service, and how its changes are raised."""
    service = _service(request, slug, "devtools.view_integration")
    linked = Integration.objects.filter(service=service).select_related("component")
    linked = linked.annotate(raised=Count("changes", filter=Q(changes__status=ChangeStatus.RAISED)))
    return render(
        request,
        "devtools/integrations.html",
        {
            "title": f"Developer tooling for {service}",
            "service": service,
            "integrations": [
                {"integration": i, "hook_url": request.build_absolute_uri(i.hook_path)}
                for i in linked
            ],
            "change_model": ChangeModel.objects.filter(service=service).first(),
            "now": timezone.now(),
            "may_add": request.user.has_perm("devtools.add_integration", service),
            "may_raise": request.user.has_perm("devtools.add_changerequest", service),
            "may_rotate": request.user.has_perm("devtools.change_integration", service),
            "may_delete": request.user.has_perm("devtools.delete_integration", service),
            "may_change_model": request.user.has_perm("devtools.change_changemodel", service),
            "breadcrumbs": _crumbs(service),
        },
    )


@require_http_methods(["GET", "POST"])
def integration_add(request, slug: str):
    """Link a code host; the secret is shown on the answer to this form only."""
    service = _service(request, slug, "devtools.add_integration")
    form = IntegrationForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        integration, secret = services.create_integration(
            service,
            host=form.cleaned_data["host"],
            name=form.cleaned_data["name"],
            component=form.cleaned_data["component"],
            by=request.user,
        )
        return _secret_shown(request, integration, secret, status=201)
    return render(
        request,
        "layouts/form.html",
        {
            "title": f"Link a code host to {service}",
            "form": form,
            "submit_text": "Link and show the secret",
            "cancel_url": reverse("devtools:integrations", args=[service.slug]),
            "breadcrumbs": _crumbs(service),
        },
        status=422 if form.errors else 200,
    )


def _secret_shown(request, integration: Integration, secret: str, *, status: int):
    """The page that shows a secret, the only time it is shown: never cached."""
    service = integration.service
    rotated = integration.previous_secret_until is not None and status == 200
    response = render(
        request,
        "devtools/integration_created.html",
        {
            "title": (
                f"{integration} has a new secret"
                if rotated
                else f"{integration} is linked to {service}"
            ),
            "service": service,
            "integration": integration,
            "secret": secret,
            "previous_until": integration.previous_secret_until if rotated else None,
            "hook_url": request.build_absolute_uri(integration.hook_path),
            "breadcrumbs": _crumbs(service),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


def _grace_in_words() -> str:
    hours = int(services.secret_grace().total_seconds() // 3600)
    return "1 hour" if hours == 1 else f"{hours} hours"


@require_http_methods(["GET", "POST"])
def integration_secret(request, slug: str, public_id):
    """Give a linked code host a new secret, the old one accepted for the grace period."""
    service = _service(request, slug, "devtools.change_integration")
    integration = get_object_or_404(Integration, service=service, public_id=public_id)
    if request.method == "POST":
        rotated, secret = services.rotate_secret(integration, by=request.user)
        return _secret_shown(request, rotated, secret, status=200)
    return render(
        request,
        "layouts/confirm.html",
        {
            "title": f"Make a new secret for {integration}?",
            "warning": f"The new secret is shown once. The current one is still accepted "
            f"for {_grace_in_words()}: give the new one to {integration.get_host_display()} "
            "before then.",
            "confirm_text": "Make a new secret",
            "cancel_url": reverse("devtools:integrations", args=[service.slug]),
            "breadcrumbs": _crumbs(service),
        },
    )


@require_http_methods(["GET", "POST"])
def integration_delete(request, slug: str, public_id):
    """Unlink a code host after confirmation; its changes stay in the history."""
    service = _service(request, slug, "devtools.delete_integration")
    integration = get_object_or_404(Integration, service=service, public_id=public_id)
    back = reverse("devtools:integrations", args=[service.slug])
    if request.method == "POST":
        services.delete_integration(integration, by=request.user)
        messages.success(request, f"{integration} is no longer linked to {service}")
        return redirect(back)
    return render(
        request,
        "layouts/confirm.html",
        {
            "title": f"Are you sure you want to unlink {integration}?",
            "warning": "Its webhook will be refused from now on. "
            "Changes it raised stay in the history.",
            "confirm_text": "Yes, unlink it",
            "cancel_url": back,
            "breadcrumbs": _crumbs(service),
        },
    )


@require_http_methods(["GET", "POST"])
def change_model(request, slug: str):
    """Set whether changes are raised as standard changes from a template, or as normal ones."""
    service = _service(request, slug, "devtools.change_changemodel")
    instance = ChangeModel.objects.filter(service=service).first() or ChangeModel(service=service)
    current = {
        "route": instance.route,
        "standard_template_sys_id": instance.standard_template_sys_id,
        "standard_even_if_critical": instance.standard_even_if_critical,
    }
    form = ChangeModelForm(request.POST or None, instance=instance)
    changed = edit_conflict(request, form, current) if instance.pk else None
    back = reverse("devtools:integrations", args=[service.slug])
    if request.method == "POST" and not changed and form.is_valid():
        services.save_change_model(
            service,
            route=form.cleaned_data["route"],
            template_sys_id=form.cleaned_data["standard_template_sys_id"],
            even_if_critical=form.cleaned_data["standard_even_if_critical"],
            by=request.user,
        )
        messages.success(request, f"The change model of {service} is saved")
        return redirect(back)
    return render(
        request,
        "layouts/form.html",
        {
            "title": f"Change model of {service}",
            "form": form,
            "cancel_url": back,
            "breadcrumbs": _crumbs(service),
            "version": version_token(current) if instance.pk else None,
            "changed": changed,
        },
        status=409 if changed else 422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def change_raise(request, slug: str):
    """Raise a change by hand: recorded with its blast radius, then raised in MyIT."""
    service = _service(request, slug, "devtools.add_changerequest")
    form = ChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change = services.record_change(service, **form.cleaned_data, by=request.user)
        live = change.affects_live
        messages.success(
            request,
            f"Raising the change for {change.summary}: it could affect {live} live "
            f"{'service' if live == 1 else 'services'}, {change.affects_critical_live} critical",
        )
        return redirect(reverse("catalogue:service_section", args=[service.slug, "myit"]))
    return render(
        request,
        "layouts/form.html",
        {
            "title": f"Raise a change for {service}",
            "form": form,
            "submit_text": "Raise the change",
            "cancel_url": reverse("devtools:integrations", args=[service.slug]),
            "breadcrumbs": _crumbs(service),
        },
        status=422 if form.errors else 200,
    )


@require_POST
def change_retry(request, slug: str, pk: int):
    """Try again to raise a change MyIT did not accept."""
    service = _service(request, slug, "devtools.retry_changerequest")
    change = get_object_or_404(ChangeRequest, service=service, pk=pk)
    services.retry_change(change, by=request.user)
    messages.success(request, f"Raising the change for {change.summary} again")
    return redirect(service.get_absolute_url() + "#devtools-changes")


def estate_rows(changes) -> list[dict]:
    """Each change with its MyIT link and its blast radius, for the estate's table."""
    return [
        {
            "change": c,
            "myit_url": record_url("change_request", c.myit_sys_id),
            "radius": BlastRadius.from_dict(c.blast_radius),
        }
        for c in changes
    ]


@require_http_methods(["GET"])
def changes(request):
    """Changes across the estate with their blast radius, filtered and paged."""
    require(request, "devtools.view_changerequest")
    form = ChangeFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = (
        ChangeFilters(
            group=form.cleaned_data.get("group"),
            affects=form.cleaned_data.get("affects"),
            route=form.cleaned_data.get("route", ""),
        )
        if request.GET and valid
        else ChangeFilters()
    )
    found = changes_in_estate(filters) if valid else changes_in_estate(ChangeFilters()).none()
    page = Paginator(found, settings.OSR_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "devtools/changes.html",
        {
            "title": "Changes across the estate",
            "form": form,
            "page": page,
            "rows": estate_rows(page.object_list),
            "routes": dict(ChangeRoute.choices),
            "breadcrumbs": crumbs(("Changes", "")),
        },
        status=422 if form.errors else 200,
    )


def coming_changes_context(request, service: Service) -> dict:
    """A live service's panel: recent changes to services it needs, which could affect it."""
    if service.phase != Phase.LIVE:
        return {"service": service, "is_live": False}
    since = timezone.now() - dt.timedelta(days=COMING_DAYS)
    found = changes_in_estate(ChangeFilters(affects=service, since=since))
    return {
        "service": service,
        "is_live": True,
        "days": COMING_DAYS,
        "rows": estate_rows(found[:COMING_ON_SERVICE_PAGE]),
        "all_url": reverse("devtools:changes") + f"?affects={service.slug}",
    }
