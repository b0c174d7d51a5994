"""The graph's API: dependencies, impact, incident contacts, the graph and its findings.

Any signed-in role may read. Imports need the right to import the catalogue.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import StrictBool

from osr.core.api_contract import Input, refers_to
from osr.core.paging import PageQuery, Shown, paginated
from osr.core.refusals import Invalid
from osr.core.shortcuts import require

from . import export, services
from . import findings as rules
from .impact_api import ImpactOut, impact_answer, impact_csv_response, subject_or_404
from .importing import ImportResult
from .kept_index import version_read
from .queries import cycles, paths
from .reports import incident_dict

router = Router(tags=["Dependency graph"])


class GraphEdgeOut(Schema):
    id: int = Field(description="The dependency's id")
    source: str = Field(description="The node that needs the target")
    target: str
    kind: str
    carries_live_data: bool


class GraphNodeOut(Schema):
    id: str = Field(description="service:<slug> or external:<slug>")
    kind: Literal["service", "external"]
    slug: str
    name: str
    phase: str | None
    critical: bool
    uses_live_data: bool
    delivery_group: str | None
    edges: list[GraphEdgeOut] = Field(description="What the node needs: the edges from it")


class ReachedOut(Schema):
    id: str
    kind: Literal["service", "external"]
    slug: str
    name: str
    phase: str | None
    depth: int
    via: str | None = Field(description="The node one step nearer, for depth above 1")


class DependenciesOut(Schema):
    service: str
    direction: Literal["upstream", "downstream"]
    depth: int | None
    results: list[ReachedOut]


class DependenciesQuery(Schema):
    direction: Literal["upstream", "downstream"] = "upstream"
    depth: int | None = Field(None, ge=1, le=services.MAX_DEPTH)


class IncidentContactOut(Schema):
    name: str
    email: str


class IncidentChangeOut(Schema):
    when: dt.datetime
    what: str
    by: str


class IncidentServiceOut(Schema):
    slug: str
    name: str
    phase: str
    reasons: list[str]
    depth: int
    via: str | None
    changed_recently: bool
    changes: list[IncidentChangeOut]
    support_contact_email: str
    delivery_team: IncidentContactOut | None
    delivery_group: str
    osr_manager: IncidentContactOut | None
    live_services_manager: IncidentContactOut | None


class SuspectChangeOut(Schema):
    service: str
    name: str
    when: dt.datetime
    summary: str
    reference: str
    route: str
    url: str
    depth: int = Field(description="1 when the live service needs the changed one directly")
    live_data: bool = Field(description="The changed service feeds the live one live data")
    reasons: list[str]
    support_contact_email: str
    service_owner: IncidentContactOut | None
    delivery_team: IncidentContactOut | None
    osr_manager: IncidentContactOut | None


class IncidentOut(Schema):
    service: str
    name: str
    phase: str
    live: bool
    at: dt.datetime
    changes_since: dt.datetime
    services: list[IncidentServiceOut]
    suspect_changes: list[SuspectChangeOut] = Field(
        description="Changes of the last 14 days in its blast radius: a direct dependency "
        "first, then one feeding it live data, then the most recent"
    )


class GraphFindingOut(Schema):
    rule: str
    title: str
    service: str
    depends_on: str
    message: str


class GraphCycleOut(Schema):
    services: list[str] = Field(description="A loop of dependencies, first service repeated last")


class GraphQuery(Schema):
    service: Annotated[str, refers_to("services")] | None = None
    group: Annotated[str, refers_to("delivery-groups")] | None = None
    depth: int = Field(1, ge=1, le=3)


class PathsQuery(Schema):
    source: Annotated[str, refers_to("services")]
    target: Annotated[str, refers_to("services")]
    max_depth: int = Field(6, ge=1, le=services.MAX_DEPTH)


class PathsOut(Schema):
    source: str
    target: str
    paths: list[list[str]]


class ImportFile(Input):
    name: str
    # Each entity in it is checked on its own, and refused naming its file and line.
    content: str = Field(json_schema_extra={"contentMediaType": "application/yaml"})


class BackstageIn(Input):
    files: list[ImportFile] = Field(min_length=1)
    apply: StrictBool = False
    strict: StrictBool = Field(
        False, description="Refuse kinds and fields OSR does not keep, instead of skipping them"
    )


class CsvIn(Input):
    # Each row is checked on its own, and refused naming its row.
    content: str = Field(json_schema_extra={"contentMediaType": "text/csv"})
    apply: StrictBool = False


class ChangeLineOut(Schema):
    action: str
    kind: str
    key: str
    details: list[str]


class ImportOut(Schema):
    applied: bool
    changes: list[ChangeLineOut]
    read: dict[str, int] = Field(
        default_factory=dict, description="Backstage entities read, by kind"
    )
    not_kept: list[str] = Field(
        default_factory=list, description="What the files hold that OSR skipped"
    )


def _read(request) -> None:
    require(request, "catalogue.view_service")


@router.get(
    "/services/{slug}/dependencies",
    response=DependenciesOut,
    summary="What a service needs, or what needs it",
)
def service_dependencies(request, slug: str, params: Query[DependenciesQuery]):
    _read(request)
    service = services.service_or_404(slug)
    index, reached = services.dependencies(service, params.direction, params.depth)
    return {
        "service": service.slug,
        "direction": params.direction,
        "depth": params.depth,
        "results": [
            {
                "id": index.key(r.node),
                "kind": "service" if index.is_service(r.node) else "external",
                "slug": index.slugs[r.node],
                "name": index.names[r.node],
                "phase": index.phase(r.node) or None,
                "depth": r.depth,
                "via": index.key(r.via) if r.via is not None else None,
            }
            for r in reached
        ],
    }


@router.get(
    "/services/{slug}/impact",
    response=ImpactOut,
    by_alias=True,
    summary="What is affected if a service changes or fails: a summary and one page",
)
def service_impact(request, slug: str, params: Query[PageQuery]):
    _read(request)
    service = subject_or_404(slug)
    with version_read(service.graph_stamp):  # type: ignore[attr-defined]
        return impact_answer(request, services.impact(service, params.page, params.page_size))


@router.get(
    "/services/{slug}/impact/export",
    summary="Every service affected if a service changes or fails, as CSV",
    response={200: str},
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def service_impact_export(request, slug: str):
    _read(request)
    return impact_csv_response(services.service_or_404(slug))


@router.get(
    "/services/{slug}/incident-contacts",
    response=IncidentOut,
    summary="Services in development to contact about an incident on a live service",
)
def service_incident_contacts(request, slug: str):
    _read(request)
    service = subject_or_404(slug)
    with version_read(service.graph_stamp):  # type: ignore[attr-defined]
        return incident_dict(services.incidents(service, now=timezone.now()))


@router.get(
    "/graph",
    response=list[GraphNodeOut],
    summary="The dependency graph: its nodes, each with the edges from it",
)
@paginated
def graph(request, params: Query[GraphQuery]):
    _read(request)
    service = services.service_or_404(params.service) if params.service else None
    group = None
    if params.group:
        from osr.catalogue.models import DeliveryGroup

        group = DeliveryGroup.objects.filter(slug=params.group).first()
        if group is None:
            raise Invalid({"group": [f"No delivery group {params.group}"]})
    index, part = services.graph_part(service=service, depth=params.depth, group=group)
    edges_from: dict[int, list[int]] = {}
    for edge in part.edges:
        edges_from.setdefault(index.edge_source[edge], []).append(edge)

    def show(nodes: list[int]) -> list[dict]:
        slugs = services.group_slugs()
        return [
            export.node_dict(index, node, slugs)
            | {"edges": [export.edge_dict(index, edge) for edge in edges_from.get(node, [])]}
            for node in nodes
        ]

    return Shown(part.nodes, show)


@router.get(
    "/graph/findings", response=list[GraphFindingOut], summary="Risks in the dependency graph"
)
@paginated
def graph_findings(request):
    _read(request)
    found = services.graph_findings(today=timezone.localdate())
    index = found.index
    return Shown(
        found.findings,
        lambda page: [
            {
                "rule": f.rule,
                "title": rules.RULE_TITLES[f.rule],
                "service": index.slugs[f.service],
                "depends_on": index.key(f.depends_on),
                "message": f.message,
            }
            for f in page
        ],
    )


@router.get(
    "/graph/cycles",
    response=list[GraphCycleOut],
    summary="Loops in the dependency graph: services that end up needing themselves",
)
@paginated
def graph_cycles(request):
    _read(request)
    index = services.current_index()
    return Shown(
        cycles(index),
        lambda page: [{"services": [index.slugs[n] for n in loop]} for loop in page],
    )


@router.get(
    "/graph/paths",
    response=PathsOut,
    summary="The chains of dependencies by which one service needs another",
)
def graph_paths(request, params: Query[PathsQuery]):
    _read(request)
    source, target = services.service_or_404(params.source), services.service_or_404(params.target)
    index = services.current_index()
    found = paths(
        index,
        services.node_of(index, source),
        services.node_of(index, target),
        max_depth=params.max_depth,
    )
    return {
        "source": source.slug,
        "target": target.slug,
        "paths": [[index.slugs[n] for n in path] for path in found],
    }


def _import_answer(result: ImportResult):
    if result.problems:
        raise Invalid(result.problems_by_place())
    return {
        "applied": result.applied,
        "changes": [
            {"action": c.action, "kind": c.kind, "key": c.key, "details": list(c.details)}
            for c in result.changes
        ],
        "read": result.read,
        "not_kept": result.not_kept,
    }


@router.post(
    "/import/backstage",
    response=ImportOut,
    summary="Import Backstage catalog descriptor files (preview unless apply is true)",
)
def import_backstage(request, body: BackstageIn):
    require(request, "graph.import_catalogue")
    files = [(f.name, f.content) for f in body.files]
    return _import_answer(
        services.import_backstage(files, by=request.user, apply=body.apply, strict=body.strict)
    )


@router.post(
    "/import/csv",
    response=ImportOut,
    summary="Import the catalogue spreadsheet (preview unless apply is true)",
)
def import_csv(request, body: CsvIn):
    require(request, "graph.import_catalogue")
    return _import_answer(
        services.import_catalogue_csv(body.content, by=request.user, apply=body.apply)
    )
