"""Graph operations shared by the pages, the API and the CLI.

Each reads the in-process index (one query to check its version) and loads the
rows it shows in a fixed number of queries, whatever the size of the estate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from osr.catalogue.choices import IN_DEVELOPMENT, Phase
from osr.catalogue.models import DeliveryGroup, Service
from osr.core.shortcuts import get_or_404

from . import backstage, csv_io, export, findings, hooks
from .impact import Affected, Impact, Ranked, Summary, affected, summarise
from .importing import ImportResult
from .incidents import IncidentContacts, incident_contacts
from .index import Index
from .kept_index import current_index
from .queries import (
    Direction,
    Reached,
    Search,
    Subgraph,
    cycles,
    neighbourhood,
    reach_with_route,
    subgraph,
)
from .suspects import suspect_changes

MAX_DEPTH = 10
IMPACT_PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def service_or_404(slug: str) -> Service:
    """The service with this slug, with its delivery group and team, or Http404."""
    return get_or_404(Service.objects.select_related("delivery_group", "delivery_team"), slug=slug)


def service_called(text: str) -> Service | None:
    """The service whose slug, or whose name in any case, is ``text``; None if there is none.

    The dependency map's focus takes either: a person types a name, links carry the slug.
    """
    text = text.strip()
    found = list(
        Service.objects.select_related("delivery_group", "delivery_team")
        .filter(Q(slug=text) | Q(name__iexact=text))
        .order_by("name")[:10]
    )
    return next((s for s in found if s.slug == text), found[0] if found else None)


def service_names(index: Index) -> list[str]:
    """Every service's name, in order, from the index: the map's suggestions cost no query."""
    return sorted(index.names[: index.service_count], key=str.casefold)


def node_of(index: Index, service: Service) -> int:
    """The service's node in the index (it may be missing for a moment after a write)."""
    node = index.node_for(service.slug)
    if node is None:
        raise Http404(f"No service {service.slug} in the dependency graph yet")
    return node


def dependencies(
    service: Service, direction: Direction, depth: int | None
) -> tuple[Index, list[Reached]]:
    """What the service needs (upstream) or what needs it (downstream), to ``depth``."""
    index = current_index()
    return index, reach_with_route(index, node_of(index, service), direction, depth)


def impact(service: Service, number: int = 1, per_page: int = IMPACT_PAGE_SIZE) -> Impact:
    """The summary of what is affected if ``service`` changes or fails, and page ``number``
    of the affected services, what matters most first (an empty page past the last).

    Three queries whatever the number affected: the graph's version, and the page's
    services with their groups and teams, besides the service itself.
    """
    index = current_index()
    node = index.node_for(service.slug)
    if node is None:  # registered a moment ago: nothing can need it yet
        return Impact(service, Summary.nothing(), [], number, per_page)
    found = affected(index, node)
    ranked = Ranked(index, found)
    start = (max(1, number) - 1) * per_page
    rows = _rows(index, found, ranked[start : start + per_page])
    return Impact(service, summarise(index, found, ranked), rows, number, per_page)


def impact_in_chunks(service: Service, size: int = EXPORT_CHUNK) -> Iterator[list[Affected]]:
    """Every service affected if ``service`` changes or fails, in the order of the list,
    ``size`` at a time: one query a chunk, for an export of any length."""
    index = current_index()
    node = index.node_for(service.slug)
    if node is None:
        return
    found = affected(index, node)
    ranked = Ranked(index, found)
    order = ranked.first(len(ranked)) & 0xFFFFFFFF
    for start in range(0, len(order), size):
        yield _rows(index, found, order[start : start + size].tolist())


def _rows(index: Index, found: Search, nodes: list[int]) -> list[Affected]:
    """The affected services at these nodes, in this order, read in one query."""
    services = Service.objects.select_related("delivery_team", "delivery_group").in_bulk(
        [index.db_ids[n] for n in nodes]
    )
    rows = []
    for node in nodes:
        other = services.get(index.db_ids[node])
        if other is not None:  # deleted since the index was built
            depth = int(found.depth_of[node])
            via = index.names[int(found.parent_of[node])] if depth > 1 else None
            rows.append(Affected(other, depth, via))
    return rows


def incidents(service: Service, *, now: dt.datetime) -> IncidentContacts:
    """Services in development to contact about an incident on ``service``, and the
    recent changes that could have caused it."""
    index = current_index()
    result = incident_contacts(index, service, now=now)
    result.suspects = suspect_changes(index, service, since=result.since)
    return result


@dataclass
class Findings:
    """The risks in the graph and its dependency cycles."""

    index: Index
    findings: list[findings.DependencyFinding]
    cycles: list[list[int]]


def graph_findings(*, today: dt.date) -> Findings:
    """Every risk finding and cycle; LD-1 comes from the live-data obligations hook."""
    index = current_index()
    consumers = findings.live_data_consumers(index)
    statuses = hooks.live_data_obligations([index.db_ids[n] for n in consumers], today=today)
    ld1_met = {n: hooks.is_satisfied(statuses[index.db_ids[n]]["LD-1"]) for n in consumers}
    return Findings(index, findings.findings(index, ld1_met), cycles(index))


def group_slugs() -> dict[int, str]:
    """Delivery group slugs by id (one query)."""
    return dict(DeliveryGroup.objects.values_list("id", "slug"))


def graph_part(
    *, service: Service | None = None, depth: int = 1, group: DeliveryGroup | None = None
) -> tuple[Index, Subgraph]:
    """The whole graph, one service's neighbourhood, or one delivery group's services."""
    index = current_index()
    if service is not None:
        return index, neighbourhood(index, node_of(index, service), depth)
    if group is not None:
        from .queries import services_in_groups

        return index, subgraph(index, services_in_groups(index, [group.pk]))
    return index, export.whole(index)


def graph_json(**part: Any) -> dict[str, Any]:
    """Nodes and edges of the graph (or part of it) as a JSON-ready dict."""
    index, chosen = graph_part(**part)
    return export.graph_dict(index, chosen, group_slugs())


def graph_dot(**part: Any) -> str:
    """The graph (or part of it) in Graphviz DOT."""
    index, chosen = graph_part(**part)
    return export.graph_dot(index, chosen)


@dataclass
class EarlyWarning:
    """A service before live that touches live data or a live service."""

    service: Service
    live_dependencies: list[str]
    obligations: dict[str, str]

    @property
    def outstanding(self) -> list[str]:
        return [req for req, status in self.obligations.items() if not hooks.is_satisfied(status)]


def early_warnings(*, today: dt.date, group: DeliveryGroup | None = None) -> list[EarlyWarning]:
    """Every service before live that uses live data or depends directly on a live service,
    with the state of its live-data obligations (LD-1, LD-2)."""
    index = current_index()
    development = {str(p) for p in IN_DEVELOPMENT}
    live_needs: dict[int, list[str]] = {}
    for node in range(index.service_count):
        if index.phase(node) not in development:
            continue
        if group is not None and index.groups[node] != group.pk:
            continue
        needs = [
            index.names[target]
            for target in index.upstream(node)[0]
            if index.is_service(target) and index.phase(target) == Phase.LIVE
        ]
        if needs or index.live_data[node]:
            live_needs[index.db_ids[node]] = sorted(needs, key=str.lower)
    services = Service.objects.select_related(
        "delivery_group__osr_manager", "delivery_team"
    ).in_bulk(list(live_needs))
    statuses = hooks.live_data_obligations(list(services), today=today)
    rows = [
        EarlyWarning(service, live_needs[pk], statuses.get(pk, {}))
        for pk, service in services.items()
    ]
    rows.sort(key=lambda r: (r.service.delivery_group.name.lower(), r.service.name.lower()))
    return rows


def import_backstage(
    files: list[tuple[str, str]], *, by, apply: bool, strict: bool = False
) -> ImportResult:
    """Import Backstage descriptor files (name, text), or preview the import."""
    return backstage.import_backstage(files, by=by, apply=apply, strict=strict)


def import_backstage_paths(
    paths: list[str], *, by, apply: bool, strict: bool = False
) -> ImportResult:
    """Import Backstage descriptor files and directories on disk, or preview the import."""
    return backstage.import_backstage_paths(paths, by=by, apply=apply, strict=strict)


def import_backstage_api(
    base_url: str, token: str | None, *, by, apply: bool, strict: bool = False, transport=None
) -> ImportResult:
    """Import what a running Backstage's catalogue API serves, or preview the import."""
    return backstage.import_backstage_api(
        base_url, token, by=by, apply=apply, strict=strict, transport=transport
    )


def import_catalogue_csv(text: str, *, by, apply: bool) -> ImportResult:
    """Import the catalogue spreadsheet, or preview the import."""
    return csv_io.import_csv(text, by=by, apply=apply)


def export_catalogue_csv() -> str:
    """The whole catalogue as one spreadsheet, a row a record."""
    return csv_io.export_csv()
