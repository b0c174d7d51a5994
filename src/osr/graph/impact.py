"""What is affected if a service changes or fails: every service that needs it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from osr.catalogue.choices import Phase
from osr.catalogue.models import Service

from .index import Index
from .queries import Reached, reach_with_route


@dataclass
class Affected:
    """A service that needs the changed one, directly (depth 1) or through others."""

    service: Service
    depth: int
    via: str | None


@dataclass
class Impact:
    """The answer for one service: what needs it, nearest first (or one page of it)."""

    service: Service
    affected: list[Affected]
    total: int
    live_count: int
    critical_count: int


def affected_nodes(index: Index, service: Service, max_depth: int | None = None) -> list[Reached]:
    """The nodes that need ``service``, directly or through others, nearest first."""
    node = index.node_for(service.slug)
    if node is None:
        return []
    return reach_with_route(index, node, "downstream", max_depth)


def impact_of(
    index: Index,
    service: Service,
    *,
    reached: list[Reached] | None = None,
    shown: Sequence[Reached] | None = None,
) -> Impact:
    """Every service affected if ``service`` changes or fails, with its depth.

    ``shown`` narrows the services loaded to one page of ``reached``; the counts
    are always of them all. One query, whatever the number.
    """
    if reached is None:
        reached = affected_nodes(index, service)
    if shown is None:
        shown = reached
    services = Service.objects.select_related("delivery_team", "delivery_group").in_bulk(
        [index.db_ids[r.node] for r in shown]
    )
    affected = []
    for found in shown:
        other = services.get(index.db_ids[found.node])
        if other is not None:
            via = index.names[found.via] if found.via is not None else None
            affected.append(Affected(other, found.depth, via))
    return Impact(
        service,
        affected,
        total=len(reached),
        live_count=sum(1 for r in reached if index.phase(r.node) == Phase.LIVE),
        critical_count=sum(1 for r in reached if index.critical[r.node]),
    )
