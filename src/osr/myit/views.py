"""MyIT pages: the service page's MyIT panel, sync requests and sync runs."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from osr.catalogue.models import Service
from osr.core.generic_views import page_number
from osr.core.shortcuts import crumbs, require

from . import services
from .choices import SyncStatus
from .client import MyitError
from .models import MyitSnapshot, SyncRun


def record_url(table: str, sys_id: str) -> str:
    """The MyIT page of a record, for people to follow."""
    if not settings.OSR_MYIT_URL or not sys_id:
        return ""
    return f"{settings.OSR_MYIT_URL}/nav_to.do?uri={table}.do?sys_id={sys_id}"


def panel_context(request, service: Service) -> dict:
    """The MyIT section of the service page: last sync, checks and the sync buttons."""
    snapshot = MyitSnapshot.objects.filter(service=service).first()
    held = snapshot.held if snapshot else {}
    record = held.get("service") or {}
    return {
        "service": service,
        "last_run": services.last_run(service),
        "snapshot": snapshot,
        "checks": services.checks_for(service) if snapshot else [],
        "not_taken": held.get("not_taken", []),
        "record_url": record_url(record.get("table", ""), record.get("sys_id", "")),
        "may_sync": request.user.has_perm("myit.sync_service", service),
        "may_check": request.user.has_perm("myit.check_myit"),
        "configured": bool(settings.OSR_MYIT_URL),
    }


@require_POST
def sync(request, slug: str):
    """Queue a sync or a dry run of the service, then go back to its page."""
    service = get_object_or_404(Service, slug=slug)
    require(request, "myit.sync_service", service)
    dry_run = request.POST.get("dry_run") == "true"
    try:
        [run] = services.request_sync([service], by=request.user, dry_run=dry_run)
    except services.AlreadySyncing as refusal:
        messages.error(request, refusal.message)
        return redirect("catalogue:service_section", service.slug, "myit")
    what = "A preview of the changes to MyIT" if dry_run else "A sync to MyIT"
    messages.success(request, f"{what} has been queued for {service}")
    return redirect(run.get_absolute_url())


@require_GET
@permission_required("myit.view_syncrun", raise_exception=True)
def runs(request, slug: str):
    """Every sync and dry run of a service, newest first."""
    service = get_object_or_404(Service, slug=slug)
    queryset = SyncRun.objects.filter(service=service).select_related("requested_by__person")
    page = Paginator(queryset, settings.OSR_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "myit/run_list.html",
        {
            "title": f"MyIT syncs of {service}",
            "service": service,
            "page": page,
            "breadcrumbs": _crumbs(service),
        },
    )


@require_GET
@permission_required("myit.view_syncrun", raise_exception=True)
def run(request, pk: int):
    """One sync or dry run: what it changed or would change, and what it could not write."""
    found = get_object_or_404(
        SyncRun.objects.select_related("service", "requested_by__person"), pk=pk
    )
    return render(
        request,
        "myit/run_detail.html",
        {
            "title": str(found),
            "run": found,
            "running": found.status in (SyncStatus.QUEUED, SyncStatus.RUNNING),
            "may_sync": request.user.has_perm("myit.sync_service", found.service),
            "breadcrumbs": _crumbs(found.service)
            + [{"text": "MyIT syncs", "href": f"/services/{found.service.slug}/myit/runs"}],
        },
    )


@require_GET
def check(request):
    """For administrators: whether MyIT has what the mapping names, and OSR's access."""
    require(request, "myit.check_myit")
    found, error = None, ""
    if not settings.OSR_MYIT_URL:
        error = "MyIT is not configured for this installation of OSR"
    else:
        try:
            found = services.preflight()
        except MyitError as refusal:
            error = str(refusal)
    return render(
        request, "myit/check.html", {"title": "MyIT check", "found": found, "error": error}
    )


def _crumbs(service: Service) -> list[dict]:
    return crumbs(("Services", "/services"), (service.name, service.get_absolute_url()))
