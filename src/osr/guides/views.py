"""Guide pages: the service page's panel, the guide and its versions, the profile, exports."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from osr.catalogue.models import Service
from osr.core.concurrency import edit_conflict, version_token
from osr.core.shortcuts import crumbs, require

from . import services
from .choices import Format
from .diff import compare
from .forms import ExportForm, part_form_class
from .models import ApprovalRefused, GuideExport, GuideVersion
from .profile import PART_BY_KEY, PARTS
from .render_html import guide_context
from .rendering import as_download, rendered
from .versions import guide_of

FORMAT_LABELS = {Format.HTML: "HTML", Format.DOCX: "Word", Format.PDF: "PDF", Format.MD: "Markdown"}


def _service(slug: str) -> Service:
    return get_object_or_404(
        Service.objects.select_related(
            "delivery_group",
            "delivery_group__osr_manager",
            "delivery_group__live_services_manager",
        ),
        slug=slug,
    )


def _crumbs(service: Service, *extra: dict) -> list[dict]:
    return crumbs(("Services", "/services"), (service.name, service.get_absolute_url()), *extra)


def _guide_crumb(service: Service) -> dict:
    return {"text": "Operations guide", "href": reverse("guides:guide", args=[service.slug])}


def _versions(service: Service, limit: int | None = None) -> list[GuideVersion]:
    versions = GuideVersion.objects.filter(service=service).select_related("generated_by")
    return list(versions.defer("data")[:limit] if limit else versions.defer("data"))


def _may(request, service: Service) -> dict:
    user = request.user
    return {
        "may_edit": user.has_perm("guides.change_profile", service),
        "may_generate": user.has_perm("guides.generate_guide", service),
        "approver_roles": services.approver_roles(user, service),
        "may_export": user.has_perm("guides.export_guides"),
    }


def service_panel(request, service: Service) -> dict:
    """The guide's section of the service page: how complete it is, whether it is out of date."""
    status = services.guide_status(service, today=timezone.localdate())
    return {
        "status": status,
        "versions": _versions(service, limit=5),
        "formats": FORMAT_LABELS,
    } | _may(request, service)


def _change_url(service: Service):
    def change_url(section) -> str | None:
        if section.edit:
            return reverse("guides:profile_part", args=[service.slug, section.edit])
        if section.number in (2, 3, 4, 6, 9, 12, 16, 18):
            return reverse("catalogue:service_edit", args=[service.slug])
        return None

    return change_url


@require_GET
def guide_page(request, slug: str):
    """The guide as it would be generated now, with every gap and where to fill it."""
    service = _service(slug)
    require(request, "guides.view_guide", service)
    status = services.guide_status(service, today=timezone.localdate())
    may = _may(request, service)
    context = (
        guide_context(status.current)
        | may
        | {
            "title": f"Service operations guide: {service.name}",
            "service": service,
            "status": status,
            "versions": _versions(service),
            "formats": FORMAT_LABELS,
            "version": None,
            "change_url": _change_url(service) if may["may_edit"] else None,
            "breadcrumbs": _crumbs(service),
        }
    )
    return render(request, "guides/guide.html", context)


@require_POST
def generate(request, slug: str):
    service = _service(slug)
    require(request, "guides.generate_guide", service)
    version = services.generate_version(service, by=request.user, today=timezone.localdate())
    messages.success(request, f"Version {version.number} of the guide generated as a draft")
    return redirect(version.get_absolute_url())


def _version_page(request, service: Service, version: GuideVersion, error: str = "", status=200):
    guide = guide_of(version)
    context = (
        guide_context(guide)
        | _may(request, service)
        | {
            "title": f"Service operations guide: {service.name}, version {version.number}",
            "service": service,
            "version": version,
            "latest": GuideVersion.objects.filter(service=service).order_by("-number").first(),
            "critical_incomplete": guide.critical_incomplete(),
            "formats": FORMAT_LABELS,
            "error": error,
            "breadcrumbs": _crumbs(service, _guide_crumb(service)),
        }
    )
    return render(request, "guides/version.html", context, status=status)


@require_GET
def version_page(request, slug: str, number: int):
    service = _service(slug)
    require(request, "guides.view_guide", service)
    return _version_page(request, service, services.version_of(service, number))


@require_POST
def approve(request, slug: str, number: int):
    service = _service(slug)
    version = services.version_of(service, number)
    try:
        services.approve_version(version, by=request.user)
    except ApprovalRefused as refused:
        return _version_page(request, service, version, error=str(refused), status=409)
    done = "approved" if version.approved else "approval recorded; it awaits the other approver"
    messages.success(request, f"Version {version.number}: {done}")
    return redirect(version.get_absolute_url())


@require_GET
def download(request, slug: str):
    """A version (or the current guide) in one format, as a download."""
    service = _service(slug)
    require(request, "guides.view_guide", service)
    fmt = request.GET.get("format", Format.PDF)
    if fmt not in Format.values:
        raise Http404(f"No format {fmt}")
    guide = services.guide_for(service, request.GET.get("version"), today=timezone.localdate())
    return as_download(rendered(guide, fmt))


@require_GET
def compare_page(request, slug: str):
    """What differs between two versions (or a version and now), section by section."""
    service = _service(slug)
    require(request, "guides.view_guide", service)
    today = timezone.localdate()
    numbers = [v.number for v in _versions(service)]
    older = request.GET.get("from") or (str(numbers[1]) if len(numbers) > 1 else "")
    newer = request.GET.get("to") or (str(numbers[0]) if numbers else services.CURRENT)
    if not older:
        raise Http404("There is only one version: nothing to compare")
    before = services.guide_for(service, older, today=today)
    after = services.guide_for(service, newer, today=today)
    context = {
        "title": f"Compare versions of the guide: {service.name}",
        "service": service,
        "changes": compare(before, after),
        "older": older,
        "newer": newer,
        "numbers": numbers,
        "current": services.CURRENT,
        "breadcrumbs": _crumbs(service, _guide_crumb(service)),
    }
    return render(request, "guides/compare.html", context)


@require_GET
def profile_page(request, slug: str):
    """The operations profile part by part, each with a link to its form."""
    service = _service(slug)
    require(request, "guides.view_guide", service)
    profile = services.profile_of(service)
    parts = []
    for part in PARTS:
        form = part_form_class(part.key)(instance=profile)
        rows = [(form[name].label, form[name].value()) for name in part.fields]
        parts.append((part, rows))
    context = {
        "title": f"Operations profile: {service.name}",
        "service": service,
        "parts": parts,
        "may_edit": request.user.has_perm("guides.change_profile", service),
        "breadcrumbs": _crumbs(service, _guide_crumb(service)),
    }
    return render(request, "guides/profile.html", context)


@require_http_methods(["GET", "POST"])
def profile_part(request, slug: str, part: str):
    """One part of the operations profile, as a GOV.UK form."""
    service = _service(slug)
    require(request, "guides.change_profile", service)
    if part not in PART_BY_KEY:
        raise Http404(f"No part {part} of the operations profile")
    chosen = PART_BY_KEY[part]
    form_class = part_form_class(part)
    with transaction.atomic():
        # The service row is the lock: the version check and the save go together.
        Service.objects.select_for_update().filter(pk=service.pk).first()
        profile = services.profile_of(service)
        # Taken before the form is bound: validating a form changes its instance.
        current = model_to_dict(profile, fields=list(chosen.fields))
        form = form_class(request.POST if request.method == "POST" else None, instance=profile)
        changed = edit_conflict(request, form, current)
        if request.method == "POST" and not changed and form.is_valid():
            services.save_profile(form, by=request.user)
            messages.success(request, f"{chosen.title} saved")
            anchor = f"#section-{chosen.section}"
            return redirect(reverse("guides:guide", args=[service.slug]) + anchor)
    context = {
        "title": f"{chosen.title}: {service.name}",
        "form": form,
        "version": version_token(current),
        "changed": changed,
        "part": chosen,
        "service": service,
        "cancel_url": reverse("guides:guide", args=[service.slug]) + f"#section-{chosen.section}",
        "breadcrumbs": _crumbs(service, _guide_crumb(service)),
    }
    status = 409 if changed else 422 if form.is_bound and form.errors else 200
    return render(request, "guides/profile_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def exports_page(request):
    """Start a bulk export of the live services' approved guides, and see recent ones."""
    require(request, "guides.export_guides")
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        export = services.request_export(form.cleaned_data["formats"], by=request.user)
        return redirect(export.get_absolute_url())
    context = {
        "title": "Export the approved guides of live services",
        "form": form,
        "exports": GuideExport.objects.select_related("requested_by__person")[:10],
        "count": services.live_guide_count(),
        "breadcrumbs": crumbs(),
    }
    return render(request, "guides/exports.html", context, status=422 if form.errors else 200)


@require_GET
def export_page(request, pk: int):
    require(request, "guides.export_guides")
    export = get_object_or_404(GuideExport, pk=pk)
    context = {
        "title": "Export of the approved guides of live services",
        "export": export,
        "breadcrumbs": crumbs(("Guide exports", reverse("guides:exports"))),
    }
    return render(request, "guides/export.html", context)


@require_GET
def export_download(request, pk: int):
    require(request, "guides.export_guides")
    export = get_object_or_404(GuideExport, pk=pk)
    if not export.file:
        raise Http404("The export has not finished")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"osr-live-service-guides-{export.pk}.zip",
        content_type="application/zip",
    )
