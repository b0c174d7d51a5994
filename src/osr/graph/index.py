"""The dependency graph index: every service, external system and dependency, in memory.

Nodes are numbered: services first, then external systems. Each edge is one
dependency, from the service that needs something to what it needs. Edges are
held twice in compressed sparse rows (``offsets`` into flat ``array`` columns),
once by the needing service (upstream: what it needs) and once by the needed
node (downstream: who breaks if it fails), so a traversal reads contiguous ints.

The index is built from plain rows (``build_index``) so the queries over it are
pure; ``current_index`` loads it from the database and keeps it in the process,
checking the graph's version stamp (one query) before each use.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from osr.catalogue.choices import PHASE_ORDER, DependencyKind

KINDS: list[str] = list(DependencyKind.values)
PHASES: list[str] = ["", *PHASE_ORDER]  # code 0: an external system has no phase

ServiceRow = tuple[
    int, str, str, str, bool, bool, int | None
]  # pk, slug, name, phase, critical, live data, group
ExternalRow = tuple[int, str, str]  # pk, slug, name
DependencyRow = tuple[
    int, int, int | None, int | None, str, bool
]  # pk, from, to service, to external, kind, live


@dataclass(eq=False)
class Index:
    """The graph as flat arrays; see the module docstring for the layout."""

    version: Any
    service_count: int
    slugs: list[str]
    names: list[str]
    db_ids: array
    phase_codes: bytearray
    critical: bytearray
    live_data: bytearray
    groups: array
    edge_source: array
    edge_target: array
    edge_kind: bytearray
    edge_live: bytearray
    edge_ids: array
    up_offsets: array
    up_nodes: array
    up_edges: array
    down_offsets: array
    down_nodes: array
    down_edges: array
    service_nodes: dict[str, int] = field(default_factory=dict)
    external_nodes: dict[str, int] = field(default_factory=dict)
    service_by_pk: dict[int, int] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return len(self.slugs)

    @property
    def edge_count(self) -> int:
        return len(self.edge_source)

    def is_service(self, node: int) -> bool:
        return node < self.service_count

    def phase(self, node: int) -> str:
        return PHASES[self.phase_codes[node]]

    def kind(self, edge: int) -> str:
        return KINDS[self.edge_kind[edge]]

    def key(self, node: int) -> str:
        """The node's stable name outside the process: ``service:<slug>`` or ``external:<slug>``."""
        prefix = "service" if node < self.service_count else "external"
        return f"{prefix}:{self.slugs[node]}"

    def node_for(self, slug: str) -> int | None:
        """The node of the service with this slug, or None."""
        return self.service_nodes.get(slug)

    def upstream(self, node: int) -> tuple[array, array]:
        """The nodes this one needs directly, and the edges to them."""
        start, end = self.up_offsets[node], self.up_offsets[node + 1]
        return self.up_nodes[start:end], self.up_edges[start:end]

    def downstream(self, node: int) -> tuple[array, array]:
        """The services that need this node directly, and the edges from them."""
        start, end = self.down_offsets[node], self.down_offsets[node + 1]
        return self.down_nodes[start:end], self.down_edges[start:end]


def _rows(
    edge_ends: array, count: int, edges: Iterable[int], other: array
) -> tuple[array, array, array]:
    """Compressed sparse rows of the edges grouped by ``edge_ends`` (a counting sort)."""
    offsets = array("q", [0]) * (count + 1)
    for end in edge_ends:
        offsets[end + 1] += 1
    for position in range(count):
        offsets[position + 1] += offsets[position]
    cursor = array("q", offsets[:-1])
    nodes = array("i", [0]) * len(edge_ends)
    edge_of = array("i", [0]) * len(edge_ends)
    for edge in edges:
        end = edge_ends[edge]
        slot = cursor[end]
        nodes[slot] = other[edge]
        edge_of[slot] = edge
        cursor[end] = slot + 1
    return offsets, nodes, edge_of


def build_index(
    version: Any,
    services: Sequence[ServiceRow],
    externals: Sequence[ExternalRow],
    dependencies: Iterable[DependencyRow],
) -> Index:
    """Build the index from plain rows. Dependencies on unknown rows are left out."""
    service_count = len(services)
    slugs = [row[1] for row in services] + [row[1] for row in externals]
    names = [row[2] for row in services] + [row[2] for row in externals]
    db_ids = array("q", [row[0] for row in services] + [row[0] for row in externals])
    phase_index = {phase: code for code, phase in enumerate(PHASES)}
    phase_codes = bytearray(phase_index.get(row[3], 0) for row in services) + bytearray(
        len(externals)
    )
    critical = bytearray(1 if row[4] else 0 for row in services) + bytearray(len(externals))
    live_data = bytearray(1 if row[5] else 0 for row in services) + bytearray(len(externals))
    groups = array("q", [row[6] or 0 for row in services] + [0] * len(externals))
    service_by_pk = {row[0]: node for node, row in enumerate(services)}
    external_by_pk = {row[0]: service_count + n for n, row in enumerate(externals)}
    kind_index = {kind: code for code, kind in enumerate(KINDS)}
    other_kind = kind_index[DependencyKind.OTHER]

    edge_source, edge_target, edge_ids = array("i"), array("i"), array("q")
    edge_kind, edge_live = bytearray(), bytearray()
    for pk, from_pk, to_service_pk, to_external_pk, kind, live in dependencies:
        source = service_by_pk.get(from_pk)
        if to_service_pk is not None:
            target = service_by_pk.get(to_service_pk)
        else:
            target = external_by_pk.get(to_external_pk)  # type: ignore[arg-type]
        if source is None or target is None:
            continue  # written after the nodes were read: the next version brings it
        edge_source.append(source)
        edge_target.append(target)
        edge_ids.append(pk)
        edge_kind.append(kind_index.get(kind, other_kind))
        edge_live.append(1 if live else 0)

    node_count = len(slugs)
    edge_range = range(len(edge_source))
    up = _rows(edge_source, node_count, edge_range, edge_target)
    down = _rows(edge_target, node_count, edge_range, edge_source)
    return Index(
        version=version,
        service_count=service_count,
        slugs=slugs,
        names=names,
        db_ids=db_ids,
        phase_codes=phase_codes,
        critical=critical,
        live_data=live_data,
        groups=groups,
        edge_source=edge_source,
        edge_target=edge_target,
        edge_kind=edge_kind,
        edge_live=edge_live,
        edge_ids=edge_ids,
        up_offsets=up[0],
        up_nodes=up[1],
        up_edges=up[2],
        down_offsets=down[0],
        down_nodes=down[1],
        down_edges=down[2],
        service_nodes={row[1]: node for node, row in enumerate(services)},
        external_nodes={row[1]: service_count + n for n, row in enumerate(externals)},
        service_by_pk=service_by_pk,
    )


def load_index(version: Any) -> Index:
    """Read the graph from the database (three queries) and index it."""
    from osr.catalogue.models import Dependency, ExternalSystem, Service

    services = list(
        Service.objects.order_by("name", "id").values_list(
            "id", "slug", "name", "phase", "critical", "uses_live_data", "delivery_group_id"
        )
    )
    externals = list(
        ExternalSystem.objects.order_by("name", "id").values_list("id", "slug", "name")
    )
    dependencies = Dependency.objects.order_by("id").values_list(
        "id", "from_service_id", "to_service_id", "to_external_id", "kind", "carries_live_data"
    )
    return build_index(version, services, externals, dependencies.iterator(chunk_size=10_000))


_lock = threading.Lock()
_cached: Index | None = None


def current_index() -> Index:
    """The index for the graph's version now in the database, rebuilt when stale.

    The version is read before the rows, so an index built while a write commits
    is stamped with the older version and is rebuilt on the next call.
    """
    global _cached
    from .models import GraphVersion

    version = GraphVersion.current()
    if version is None:
        # No write has stamped the graph yet (a fresh or flushed database).
        return load_index(None)
    cached = _cached
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        if _cached is not None and _cached.version == version:
            return _cached
        _cached = load_index(version)
        return _cached


def forget() -> None:
    """Drop this process's index (the next call rebuilds it)."""
    global _cached
    with _lock:
        _cached = None
