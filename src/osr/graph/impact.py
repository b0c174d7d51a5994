"""What is affected if a service changes or fails: every service that needs it.

Plain functions over the index's arrays. A hub of a large estate is needed by
most of it, so nothing here makes a Python object per affected service: the
summary is counted with numpy, and the list is ranked with numpy and cut to the
page asked for before any row is looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
from django.core.paginator import Page, Paginator

from osr.catalogue.models import Service

from .index import LIVE_CODE, PHASES, Index
from .queries import Search, search

NEAREST_ROUTES = 5  # routes to the nearest critical live services in a summary
NEAREST_FLOWS = 10  # live-data flows named in a summary

# What matters most comes first: a live critical service, then a live one, then a
# critical one, then the rest.
LIVE_AND_CRITICAL, LIVE, CRITICAL, OTHER = range(4)
PRIORITY_NAMES = ("live and critical", "live", "critical", "other")


def affected(index: Index, node: int) -> Search:
    """The services that need ``node``, directly or through others (a search downstream)."""
    return search(index, node, "downstream")


def priorities(index: Index, found: Search) -> np.ndarray:
    """Each affected service's priority: LIVE_AND_CRITICAL, LIVE, CRITICAL or OTHER."""
    live = index.compact.phase_codes[found.nodes] == LIVE_CODE
    critical = index.compact.critical[found.nodes].astype(bool)
    return np.where(live, np.where(critical, LIVE_AND_CRITICAL, LIVE), CRITICAL + ~critical)


class Ranked(Sequence[int]):
    """The affected services' nodes, what matters most first, worked out only as far as
    they are read: a page costs a partial sort of the keys, not a sort of them all."""

    def __init__(self, index: Index, found: Search):
        self.priorities = priorities(index, found)
        # One integer a service: priority, depth, then the node, which is the name's
        # place, as services are numbered in the order of their names.
        self._keys = (
            (self.priorities.astype(np.int64) << 56)
            | (found.depths.astype(np.int64) << 32)
            | found.nodes.astype(np.int64)
        )

    def __len__(self) -> int:
        return len(self._keys)

    def first(self, count: int) -> np.ndarray:
        """The keys of the first ``count`` services, in order."""
        count = min(count, len(self._keys))
        if count <= 0:
            return self._keys[:0]
        if count < len(self._keys):
            return np.sort(np.partition(self._keys, count - 1)[:count])
        return np.sort(self._keys)

    @overload
    def __getitem__(self, at: int) -> int: ...

    @overload
    def __getitem__(self, at: slice) -> list[int]: ...

    def __getitem__(self, at: int | slice) -> int | list[int]:
        if isinstance(at, slice):
            start, stop, step = at.indices(len(self))
            nodes = self.first(stop)[start:stop:step] & 0xFFFFFFFF
            return nodes.tolist()
        if at < 0:
            at += len(self)
        if not 0 <= at < len(self):
            raise IndexError(at)
        return self[at : at + 1][0]


@dataclass(frozen=True)
class Named:
    """A service as a summary names it."""

    slug: str
    name: str


@dataclass
class Flow:
    """A dependency carrying live data between two of the affected (or the service):
    ``source`` needs ``target``."""

    source: Named
    target: Named
    kind: str


@dataclass
class Summary:
    """What a failure of the service reaches, in figures that fit a screen."""

    total: int
    by_phase: dict[str, int]
    live: int
    critical: int
    live_and_critical: int
    live_data_flows: int
    flows: list[Flow] = field(default_factory=list)
    routes: list[list[Named]] = field(default_factory=list)

    @classmethod
    def nothing(cls) -> Summary:
        """The summary of a service nothing needs."""
        return cls(0, {phase: 0 for phase in PHASES if phase}, 0, 0, 0, 0)


def summarise(index: Index, found: Search, ranked: Ranked | None = None) -> Summary:
    """Counts by phase and priority, the live-data flows among the affected (the nearest
    named), and the shortest routes to the nearest live critical services."""
    ranked = ranked if ranked is not None else Ranked(index, found)
    compact = index.compact
    codes = np.bincount(compact.phase_codes[found.nodes], minlength=len(PHASES))
    by_priority = np.bincount(ranked.priorities, minlength=len(PRIORITY_NAMES))
    sources = compact.edge_source[compact.live_edges]
    inside = (found.depth_of[sources] >= 0) & (
        found.depth_of[compact.edge_target[compact.live_edges]] >= 0
    )
    flows = compact.live_edges[inside]
    # Nearest first: by the depth of the service that needs the other, then as recorded.
    keys = (found.depth_of[sources[inside]].astype(np.int64) << 32) | flows
    if len(keys) > NEAREST_FLOWS:
        keys = np.partition(keys, NEAREST_FLOWS - 1)[:NEAREST_FLOWS]
    nearest_flows = np.sort(keys) & 0xFFFFFFFF
    return Summary(
        total=len(found),
        by_phase={phase: int(codes[code]) for code, phase in enumerate(PHASES) if phase},
        live=int(by_priority[LIVE_AND_CRITICAL] + by_priority[LIVE]),
        critical=int(by_priority[LIVE_AND_CRITICAL] + by_priority[CRITICAL]),
        live_and_critical=int(by_priority[LIVE_AND_CRITICAL]),
        live_data_flows=len(flows),
        flows=[
            Flow(
                _named(index, compact.edge_source[e]),
                _named(index, compact.edge_target[e]),
                index.kind(int(e)),
            )
            for e in nearest_flows
        ],
        routes=[[_named(index, n) for n in route] for route in nearest_routes(found, ranked)],
    )


def nearest_routes(found: Search, ranked: Ranked, limit: int = NEAREST_ROUTES) -> list[list[int]]:
    """The shortest routes from the service to its nearest live critical dependents.

    Each starts at the service and ends at a live critical service, every step a
    service that needs the one before it; nearest first, then by name.
    """
    chosen = ranked.first(limit)
    chosen = chosen[(chosen >> 56) == LIVE_AND_CRITICAL]
    return [found.route(int(node)) for node in chosen & 0xFFFFFFFF]


def _named(index: Index, node) -> Named:
    return Named(index.slugs[node], index.names[node])


@dataclass
class Affected:
    """A service that needs the changed one, directly (depth 1) or through others."""

    service: Service
    depth: int
    via: str | None


@dataclass
class Impact:
    """The answer for one service: the summary, and one page of the affected services."""

    service: Service
    summary: Summary
    affected: list[Affected]
    number: int
    per_page: int

    @property
    def total(self) -> int:
        return self.summary.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // max(1, self.per_page)))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.per_page + 1

    @property
    def page(self) -> Page:
        """The page shown, as a Django page for the pagination macro (its rows are numbers)."""
        return Paginator(range(self.total), max(1, self.per_page)).get_page(self.number)
