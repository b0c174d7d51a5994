"""The graph's pages: dependency map, impact, incident contacts, early warnings,
findings, and catalogue import and export. Each is a thin view over ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import json_script
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from osr.catalogue.models import DeliveryGroup
from osr.core.generic_views import page_number
from osr.core.shortcuts import crumbs, require

from . import export, services
from .findings import RULE_TITLES
from .forms import ImportForm, MapFocusForm
from .impact_api import impact_csv_response
from .reports import incident_text

MAP_NODE_LIMIT = 300
TABLE_PAGE_SIZE = 100
IMPACT_PAGE_SIZE = 100
SESSION_KEY = "graph_import"


def _depth(request) -> int:
    try:
        return min(3, max(1, int(request.GET.get("depth", "1"))))
    except ValueError:
        return 1


@require_GET
def dependency_map(request):
    groups = list(DeliveryGroup.objects.order_by("name"))
    group = next((g for g in groups if g.slug == request.GET.get("group")), None)
    # An unknown name is a mistake in the form, shown on the page with the whole map beneath it.
    form = MapFocusForm(request.GET)
    service = form.cleaned_data["service"] if form.is_valid() else None
    depth = _depth(request)
    index, part = services.graph_part(service=service, depth=depth, group=group)
    drawn = len(part.nodes) <= MAP_NODE_LIMIT
    slugs = {g.pk: g.slug for g in groups}
    names = {g.pk: g.name for g in groups}
    # A drawn picture has its whole table beside it; a larger part is paged.
    per_page = max(1, len(part.edges)) if drawn else TABLE_PAGE_SIZE
    page = Paginator(part.edges, per_page).get_page(page_number(request))
    edges = [
        {
            "source": index.names[index.edge_source[e]],
            "source_slug": index.slugs[index.edge_source[e]],
            "target": index.names[index.edge_target[e]],
            "target_slug": index.slugs[index.edge_target[e]],
            "target_is_service": index.is_service(index.edge_target[e]),
            "kind": index.kind(e).replace("_", " "),
            "live": bool(index.edge_live[e]),
        }
        for e in page.object_list
    ]
    nodes = (
        [
            {
                "id": index.key(n),
                "name": index.names[n],
                "slug": index.slugs[n],
                "is_service": index.is_service(n),
                "phase": index.phase(n),
                "critical": bool(index.critical[n]),
                "group": names.get(index.groups[n], ""),
            }
            for n in part.nodes
        ]
        if drawn
        else []
    )
    data = json_script(export.graph_dict(index, part, slugs), "graph-data") if drawn else ""
    title = f"Dependency map of {service.name}" if service else "Dependency map"
    context = {
        "title": title,
        "breadcrumbs": crumbs(("Dependency map", reverse("graph:map")))
        if service or group
        else None,
        "groups": groups,
        "group": group,
        "form": form,
        "service": service,
        "service_names": services.service_names(index),
        "focus": f"service:{service.slug}" if service else "",
        "depth": depth,
        "drawn": drawn,
        "node_count": len(part.nodes),
        "edge_count": len(part.edges),
        "nodes": nodes,
        "edges": edges,
        "page": page,
        "graph_data": data,
        "limit": MAP_NODE_LIMIT,
    }
    return render(request, "graph/map.html", context, status=422 if form.errors else 200)


@require_GET
def impact(request, slug: str):
    service = services.service_or_404(slug)
    result = services.impact(service, page_number(request), IMPACT_PAGE_SIZE)
    if result.number > result.pages:  # past the last page: show the last, as lists do
        result = services.impact(service, result.pages, IMPACT_PAGE_SIZE)
    return render(
        request,
        "graph/impact.html",
        {
            "title": f"If {service.name} changes or fails",
            "breadcrumbs": crumbs(
                ("Services", reverse("catalogue:services")),
                (service.name, service.get_absolute_url()),
            ),
            "service": service,
            "impact": result,
        },
    )


@require_GET
def impact_csv(request, slug: str):
    return impact_csv_response(services.service_or_404(slug))


@require_GET
def incident_contacts(request, slug: str):
    service = services.service_or_404(slug)
    result = services.incidents(service, now=timezone.now())
    return render(
        request,
        "graph/incident_contacts.html",
        {
            "title": f"Incident contacts for {service.name}",
            "breadcrumbs": crumbs(
                ("Services", reverse("catalogue:services")),
                (service.name, service.get_absolute_url()),
            ),
            "service": service,
            "result": result,
            "text": incident_text(result),
        },
    )


@require_GET
def early_warning(request):
    groups = list(DeliveryGroup.objects.order_by("name"))
    group = next((g for g in groups if g.slug == request.GET.get("group")), None)
    rows = services.early_warnings(today=timezone.localdate(), group=group)
    return render(
        request,
        "graph/early_warning.html",
        {"title": "Early warning register", "groups": groups, "group": group, "rows": rows},
    )


@require_GET
def findings(request):
    found = services.graph_findings(today=timezone.localdate())
    index = found.index
    rows = [
        {
            "title": RULE_TITLES[f.rule],
            "rule": f.rule,
            "message": f.message,
            "service": index.slugs[f.service],
            "depends_on": index.slugs[f.depends_on],
            "depends_on_service": index.is_service(f.depends_on),
        }
        for f in found.findings
    ]
    page = Paginator(rows, TABLE_PAGE_SIZE).get_page(page_number(request))
    loops = [[(index.names[n], index.slugs[n]) for n in loop] for loop in found.cycles]
    return render(
        request,
        "graph/findings.html",
        {
            "title": "Dependency risks",
            "breadcrumbs": crumbs(("Dependency map", reverse("graph:map"))),
            "page": page,
            "count": len(rows),
            "cycles": loops,
        },
    )


def _may_import(request) -> None:
    require(request, "graph.import_catalogue")


def _run_import(kind: str, files: list, *, by, apply: bool, strict: bool = False):
    if kind == "csv":
        return services.import_catalogue_csv(files[0][1], by=by, apply=apply)
    return services.import_backstage(files, by=by, apply=apply, strict=strict)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _may_import(request)
    form = ImportForm(data=request.POST or None, files=request.FILES or None)
    context = {
        "title": "Import the catalogue",
        "breadcrumbs": crumbs(("Dependency map", reverse("graph:map"))),
        "form": form,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "graph/import_upload.html", context, status=422)
        kind, files = form.cleaned_data["kind"], form.cleaned_data["texts"]
        strict = form.cleaned_data["strict"]
        result = _run_import(kind, files, by=request.user, apply=False, strict=strict)
        request.session[SESSION_KEY] = {"kind": kind, "files": files, "strict": strict}
        return _preview(request, kind, files, result)
    return render(request, "graph/import_upload.html", context)


def _preview(request, kind, files, result, status=None):
    context = {
        "title": "Check the import",
        "breadcrumbs": crumbs(("Import the catalogue", reverse("graph:import"))),
        "kind": kind,
        "file_names": [name for name, _text in files],
        "result": result,
        "changes": [c for c in result.changes if c.action != "unchanged"],
        "counts": result.counts(),
    }
    return render(
        request, "graph/import_preview.html", context, status=status or (200 if result.ok else 422)
    )


@require_POST
def import_apply(request):
    _may_import(request)
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.success(request, "Nothing to import: upload the files again")
        return redirect("graph:import")
    files = [tuple(item) for item in pending["files"]]
    result = _run_import(
        pending["kind"], files, by=request.user, apply=True, strict=pending.get("strict", False)
    )
    if not result.applied:
        return _preview(request, pending["kind"], files, result, status=422)
    del request.session[SESSION_KEY]
    counts = result.counts()
    messages.success(
        request,
        f"Catalogue imported: {counts['create']} created, {counts['update']} updated, "
        f"{counts['remove']} removed",
    )
    return redirect("graph:map")


@require_GET
def export_catalogue_csv(request):
    response = HttpResponse(services.export_catalogue_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="osr-catalogue.csv"'
    return response


@require_GET
def export_graph(request, fmt: str):
    if fmt == "dot":
        response = HttpResponse(
            services.graph_dot(), content_type="text/vnd.graphviz; charset=utf-8"
        )
    else:
        import json

        response = HttpResponse(
            json.dumps(services.graph_json(), indent=1), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="osr-graph.{fmt}"'
    return response
