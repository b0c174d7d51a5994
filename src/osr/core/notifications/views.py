"""Pages of notifications: a person's notification settings, and the outbox for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ..generic_views import page_number
from ..refusals import Refusal, show_on
from ..shortcuts import crumbs, require
from .choices import Frequency, Kind, Status
from .models import Notification
from .preferences import PreferencesForm, set_preferences


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """The signed-in person chooses, for each kind, now, a daily digest or never."""
    require(request, "core.change_own_notification_settings")
    form = PreferencesForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                set_preferences(request.user, dict(form.cleaned_data))
            except Refusal as refusal:
                show_on(form, refusal)
            else:
                messages.success(request, "Your notification settings have been saved")
                return redirect(reverse("core:notification_settings"))
        status = 422
    return render(
        request,
        "core/notification_settings.html",
        {
            "title": "Notification settings",
            "form": form,
            "frequencies": Frequency.choices,
            "breadcrumbs": crumbs(("Notification settings", "")),
        },
        status=status,
    )


@require_GET
def outbox(request):
    """Every notification with where its delivery stands, newest first, by status."""
    require(request, "core.view_outbox")
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = Notification.objects.select_related("user").order_by("-created_at", "-id")
    if status in Status.values:
        rows = rows.filter(status=status)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, 50).get_page(page_number(request))
    return render(
        request,
        "core/outbox.html",
        {
            "title": "Notification outbox",
            "page": page,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "status": status,
            "kind": kind,
            "breadcrumbs": crumbs(("Notification outbox", "")),
        },
    )
