"""A change's blast radius: the live services a change to one service could break.

``blast_radius`` is a plain function over the index's arrays: one search
downstream, one search over the dependencies that carry live data, and a
partial sort of the affected live services, so a hub needed by most of a large
estate costs the same few numpy passes as a leaf. Only the services named (the
most important, at most ``NAMED``) are ever turned into Python objects.
``blast_radius_of`` adds their incident contacts from the catalogue in one query.
"""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from osr.catalogue.models import Service

from .index import LIVE_CODE, Index
from .kept_index import current_index
from .queries import search

NAMED = 50  # affected live services named with a change; the counts cover every one

_live_data_rows: weakref.WeakKeyDictionary[Index, tuple[csr_matrix, csr_matrix]] = (
    weakref.WeakKeyDictionary()
)


def live_data_matrices(index: Index) -> tuple[csr_matrix, csr_matrix]:
    """The dependencies that carry live data, downstream and upstream, kept with the index
    (an index is never changed once built, so neither are these)."""
    kept = _live_data_rows.get(index)
    if kept is None:
        compact = index.compact
        edges = compact.live_edges
        ones = np.ones(len(edges), dtype=np.float64)
        shape = (index.node_count, index.node_count)
        sources, targets = compact.edge_source[edges], compact.edge_target[edges]
        down = csr_matrix((ones, (targets, sources)), shape=shape)
        up = csr_matrix((ones, (sources, targets)), shape=shape)
        kept = _live_data_rows[index] = (down, up)
    return kept


def reached_through_live_data(index: Index, node: int, direction: str) -> np.ndarray:
    """Whether each node is reached from ``node`` by dependencies that all carry live data:
    downstream, the services it feeds live data to; upstream, those feeding it."""
    down, up = live_data_matrices(index)
    order = breadth_first_order(
        down if direction == "downstream" else up, node, directed=True, return_predecessors=False
    )
    reached = np.zeros(index.node_count, dtype=bool)
    reached[order[1:]] = True
    return reached


@dataclass(frozen=True)
class Person:
    """Someone to call, as a change or an incident names them."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass
class AffectedLive:
    """A live service a change could break, and whom to call about it."""

    slug: str
    name: str
    depth: int  # 1: it needs the changing service directly
    critical: bool
    live_data: bool  # it receives live data from the changing service
    via: str | None = None  # the slug of the service one step nearer, beyond depth 1
    support_contact_email: str = ""
    contacts: dict[str, Person] = field(default_factory=dict)  # role -> person


@dataclass
class BlastRadius:
    """What a change to one service could break, in counts and in names."""

    service: str
    affected: int  # every service affected, directly or through others, in any phase
    live: int
    critical_live: int
    live_data: int  # live services receiving live data from it
    live_services: list[AffectedLive] = field(default_factory=list)  # at most NAMED

    @property
    def critical_services(self) -> list[AffectedLive]:
        return [s for s in self.live_services if s.critical]

    @property
    def named_all(self) -> bool:
        return len(self.live_services) == self.live

    def as_dict(self) -> dict[str, Any]:
        """As JSON stores it: a change keeps its blast radius as it was when recorded."""
        return asdict(self)

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> BlastRadius:
        if not stored:
            return cls("", 0, 0, 0, 0)
        named = [
            AffectedLive(
                **{
                    **s,
                    "contacts": {r: Person(**p) for r, p in (s.get("contacts") or {}).items()},
                }
            )
            for s in stored.get("live_services", [])
        ]
        return cls(
            stored.get("service", ""),
            stored.get("affected", 0),
            stored.get("live", 0),
            stored.get("critical_live", 0),
            stored.get("live_data", 0),
            named,
        )


def blast_radius(index: Index, node: int, *, named: int = NAMED) -> BlastRadius:
    """The live services a change to ``node`` could break: counted in full, and the most
    important named (critical first, then those fed live data, then nearest, then by name)."""
    found = search(index, node, "downstream")
    compact = index.compact
    live = compact.phase_codes[found.nodes] == LIVE_CODE
    nodes, depths, via = found.nodes[live], found.depths[live], found.via[live]
    critical = compact.critical[nodes].astype(bool)
    fed = reached_through_live_data(index, node, "downstream")[nodes]
    rank = (~critical).astype(np.int64) * 2 + (~fed).astype(np.int64)
    # One integer a service: rank, depth, then the node, which is the name's place.
    keys = (rank << 56) | (depths.astype(np.int64) << 32) | nodes.astype(np.int64)
    if len(keys) > named:
        keys = np.partition(keys, named - 1)[:named]
    by_node = np.argsort(nodes)
    order = by_node[np.searchsorted(nodes, np.sort(keys) & 0xFFFFFFFF, sorter=by_node)]
    return BlastRadius(
        service=index.slugs[node],
        affected=len(found),
        live=int(live.sum()),
        critical_live=int(critical.sum()),
        live_data=int(fed.sum()),
        live_services=[
            AffectedLive(
                slug=index.slugs[nodes[i]],
                name=index.names[nodes[i]],
                depth=int(depths[i]),
                critical=bool(critical[i]),
                live_data=bool(fed[i]),
                via=index.slugs[via[i]] if depths[i] > 1 else None,
            )
            for i in order.tolist()
        ],
    )


def _person(person) -> Person | None:
    return Person(person.name, person.email, person.phone) if person is not None else None


def with_contacts(radius: BlastRadius) -> BlastRadius:
    """The named services' incident contacts, from the catalogue (one query)."""
    slugs = [s.slug for s in radius.live_services]
    found = Service.objects.select_related(
        "delivery_team", "service_owner", "delivery_group__live_services_manager"
    ).in_bulk(slugs, field_name="slug")
    for affected in radius.live_services:
        service = found.get(affected.slug)
        if service is None:
            continue  # removed since the index was built
        team = service.delivery_team
        people = {
            "service_owner": _person(service.service_owner),
            "live_services_manager": _person(service.delivery_group.live_services_manager),
            "delivery_team": Person(team.name, team.contact_email) if team else None,
        }
        affected.support_contact_email = service.support_contact_email
        affected.contacts = {role: p for role, p in people.items() if p is not None}
    return radius


def blast_radius_of(service: Service, *, named: int = NAMED) -> BlastRadius:
    """The blast radius of a change to ``service`` in the graph as it is now, with contacts."""
    index = current_index()
    node = index.node_for(service.slug)
    if node is None:
        return BlastRadius(service.slug, 0, 0, 0, 0)
    return with_contacts(blast_radius(index, node, named=named))


def upstream_service_ids(service: Service) -> np.ndarray:
    """The database ids of every service ``service`` needs, directly or through others:
    the services whose changes fall in its blast radius."""
    index = current_index()
    node = index.node_for(service.slug)
    if node is None:
        return np.zeros(0, dtype=np.int64)
    found = search(index, node, "upstream")
    nodes = found.nodes[found.nodes < index.service_count]
    return np.frombuffer(index.db_ids, dtype=np.int64)[nodes]
