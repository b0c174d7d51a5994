"""The dependency graph index: every service, external system and dependency, in memory.

Nodes are numbered: services first, then external systems. Each edge is one
dependency, from the service that needs something to what it needs. Edges are
held twice in compressed sparse rows (``offsets`` into flat ``array`` columns),
once by the needing service (upstream: what it needs) and once by the needed
node (downstream: who breaks if it fails), so a traversal reads contiguous ints.

The same memory is also seen as numpy arrays, with a scipy sparse matrix each
way (``Index.compact``), so that a search over the whole estate runs in compiled
code rather than a Python loop per node.

The index is built from plain rows (``build_index``) so the queries over it are
pure; ``load_index`` reads them from the database. The build is numpy's work over
integer columns (about a second for 50,000 services and 175,000 dependencies, most
of it reading the rows). ``kept_index`` keeps one a process and follows the
graph's writes.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from osr.catalogue.choices import PHASE_ORDER, DependencyKind, Phase

KINDS: list[str] = list(DependencyKind.values)
PHASES: list[str] = ["", *PHASE_ORDER]  # code 0: an external system has no phase
LIVE_CODE = PHASES.index(Phase.LIVE)
CHUNK = 50_000  # dependencies read from the database at a time

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
    compact: Compact = field(init=False)

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


@dataclass(eq=False)
class Compact:
    """The index's arrays as numpy views (no copies), for searches in compiled code.

    ``down`` and ``up`` are the downstream and upstream rows as scipy CSR
    matrices; they share their column arrays with the index and one array of
    ones between them. ``live_edges`` are the edges that carry live data.
    """

    phase_codes: np.ndarray
    critical: np.ndarray
    edge_source: np.ndarray
    edge_target: np.ndarray
    edge_kind: np.ndarray
    live_edges: np.ndarray
    down: csr_matrix
    up: csr_matrix

    @classmethod
    def of(cls, index: Index) -> Compact:
        count = index.node_count
        ones = np.ones(index.edge_count, dtype=np.float64)

        def matrix(offsets: array, nodes: array) -> csr_matrix:
            # scipy's traversals take 32-bit row offsets; the columns are shared, not copied.
            rows = _view(offsets, "q").astype(np.int32)
            return csr_matrix((ones, _view(nodes, "i"), rows), shape=(count, count), copy=False)

        return cls(
            phase_codes=_view(index.phase_codes, "B"),
            critical=_view(index.critical, "B"),
            edge_source=_view(index.edge_source, "i"),
            edge_target=_view(index.edge_target, "i"),
            edge_kind=_view(index.edge_kind, "B"),
            live_edges=np.flatnonzero(_view(index.edge_live, "B")).astype(np.int32),
            down=matrix(index.down_offsets, index.down_nodes),
            up=matrix(index.up_offsets, index.up_nodes),
        )


def _csr(ends: np.ndarray, others: np.ndarray, count: int) -> tuple[array, array, array]:
    """Compressed sparse rows of the edges grouped by ``ends``, each row in edge order."""
    # Sorting (row, edge) pairs packed in one integer is a stable sort by row, and faster.
    order = np.sort((ends.astype(np.int64) << 32) | np.arange(len(ends), dtype=np.int64))
    order &= 0xFFFFFFFF
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=count), out=offsets[1:])
    return _packed("q", offsets), _packed("i", others[order]), _packed("i", order)


def _packed(typecode: str, values: np.ndarray) -> array:
    """A compact ``array`` of the values: its items are plain ints wherever they are read."""
    packed = array(typecode)
    packed.frombytes(np.ascontiguousarray(values, dtype=_DTYPES[typecode]).tobytes())
    return packed


_DTYPES = {"q": np.int64, "i": np.int32, "B": np.uint8}


def _view(values: array | bytearray, typecode: str) -> np.ndarray:
    """A numpy view of an array (no copy): the same memory, read in compiled code."""
    view = np.frombuffer(values, dtype=_DTYPES[typecode]) if len(values) else np.zeros(0)
    return view.astype(_DTYPES[typecode], copy=False)


def _node_lookup(pks: np.ndarray, first_node: int = 0):
    """A function from primary keys to nodes (``first_node`` + place in ``pks``), -1 if unknown.

    Keys are usually dense, so a table indexed by key answers in one gather;
    sparse keys fall back to a binary search in the sorted keys.
    """
    nodes = np.arange(first_node, first_node + len(pks), dtype=np.int64)
    top = int(pks.max()) if len(pks) else -1
    if top < 8 * len(pks) + 1024:
        table = np.full(top + 2, -1, dtype=np.int64)  # the last slot answers every other key
        table[pks] = nodes

        def by_table(wanted: np.ndarray) -> np.ndarray:
            return table[np.where((wanted >= 0) & (wanted <= top), wanted, top + 1)]

        return by_table
    order = np.argsort(pks, kind="stable")
    keys, sorted_nodes = pks[order], nodes[order]

    def by_search(wanted: np.ndarray) -> np.ndarray:
        place = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[place] == wanted, sorted_nodes[place], -1)

    return by_search


@dataclass
class EdgeColumns:
    """The dependencies as columns: to_service or to_external is -1 where it is not set."""

    ids: np.ndarray
    from_service: np.ndarray
    to_service: np.ndarray
    to_external: np.ndarray
    kind: np.ndarray  # codes into KINDS
    live: np.ndarray

    @classmethod
    def of(cls, table: np.ndarray) -> EdgeColumns:
        """From a table whose rows are (pk, from, to service, to external, kind code, live)."""
        table = table.reshape(-1, 6).astype(np.int64, copy=False)
        return cls(*(np.ascontiguousarray(table[:, column]) for column in range(6)))


def _edge_columns(dependencies: Iterable[DependencyRow]) -> EdgeColumns:
    kind_index = {kind: code for code, kind in enumerate(KINDS)}
    other = kind_index[DependencyKind.OTHER]
    table = np.array(
        [
            (
                pk,
                source,
                -1 if to_service is None else to_service,
                -1 if to_external is None else to_external,
                kind_index.get(kind, other),
                1 if live else 0,
            )
            for pk, source, to_service, to_external, kind, live in dependencies
        ],
        dtype=np.int64,
    )
    return EdgeColumns.of(table)


def build_index(
    version: Any,
    services: Sequence[ServiceRow],
    externals: Sequence[ExternalRow],
    dependencies: Iterable[DependencyRow],
) -> Index:
    """Build the index from plain rows. Dependencies on unknown rows are left out."""
    phase_index = {phase: code for code, phase in enumerate(PHASES)}
    coded = [
        (pk, slug, name, phase_index.get(phase, 0), critical, live, group)
        for pk, slug, name, phase, critical, live, group in services
    ]
    return build_index_from_columns(version, coded, externals, _edge_columns(dependencies))


def build_index_from_columns(
    version: Any,
    services: Sequence[tuple[int, str, str, int, bool, bool, int | None]],
    externals: Sequence[ExternalRow],
    edges: EdgeColumns,
) -> Index:
    """Build the index from service rows (phase as its code in PHASES), external system
    rows and the dependencies' columns. The work per edge is done by numpy."""
    service_count = len(services)
    columns = list(zip(*services, strict=True)) or [()] * 7
    slugs = [*columns[1], *(row[1] for row in externals)]
    names = [*columns[2], *(row[2] for row in externals)]
    node_count = len(slugs)
    service_pks = np.array(columns[0], dtype=np.int64)
    external_pks = np.array([row[0] for row in externals], dtype=np.int64)

    def flags(values) -> bytearray:
        return bytearray(1 if v else 0 for v in values) + bytearray(len(externals))

    service_node = _node_lookup(service_pks)
    source = service_node(edges.from_service)
    target = np.where(
        edges.to_service >= 0,
        service_node(edges.to_service),
        _node_lookup(external_pks, service_count)(edges.to_external),
    )
    # A dependency written after the nodes were read is left out: the next version brings it.
    kept = (source >= 0) & (target >= 0)
    source, target = source[kept], target[kept]
    up = _csr(source, target, node_count)
    down = _csr(target, source, node_count)
    index = Index(
        version=version,
        service_count=service_count,
        slugs=slugs,
        names=names,
        db_ids=_packed("q", np.concatenate([service_pks, external_pks])),
        phase_codes=bytearray(columns[3]) + bytearray(len(externals)),
        critical=flags(columns[4]),
        live_data=flags(columns[5]),
        groups=array("q", [g or 0 for g in columns[6]] + [0] * len(externals)),
        edge_source=_packed("i", source),
        edge_target=_packed("i", target),
        edge_kind=bytearray(_packed("B", edges.kind[kept]).tobytes()),
        edge_live=bytearray(_packed("B", edges.live[kept]).tobytes()),
        edge_ids=_packed("q", edges.ids[kept]),
        up_offsets=up[0],
        up_nodes=up[1],
        up_edges=up[2],
        down_offsets=down[0],
        down_nodes=down[1],
        down_edges=down[2],
        service_nodes=dict(zip(columns[1], range(service_count), strict=True)),
        external_nodes={row[1]: service_count + n for n, row in enumerate(externals)},
    )
    index.compact = Compact.of(index)
    return index


def load_index(version: Any) -> Index:
    """Read the graph from the database (three queries, ``index_rows``) and index it.

    The dependencies come as integer columns, a chunk at a time into numpy, so a
    million of them cost about as much memory as they take in the index itself.
    Services are numbered in the order of their names, in any case, so that a
    node's number is its place in an alphabetical list.
    """
    with _collector_paused():
        return _load_index(version)


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector: it would otherwise walk the million rows just
    read over and over while they are read. Nothing built here forms a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_index(version: Any) -> Index:
    from .index_rows import graph_statements

    read = graph_statements()
    services = read.services.rows()
    externals = read.externals.rows()
    chunks = [np.array(chunk, dtype=np.int64) for chunk in read.dependencies.chunks(CHUNK)]
    table = np.concatenate(chunks) if chunks else np.zeros((0, 6), dtype=np.int64)
    del chunks
    return build_index_from_columns(version, services, externals, EdgeColumns.of(table))
