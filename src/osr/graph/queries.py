"""Questions asked of the dependency graph index: plain functions over plain data.

``upstream`` is what a service needs; ``downstream`` is what needs it, and so
what breaks when it fails. Depths count dependencies: a direct one is depth 1.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.sparse.csgraph import breadth_first_order

from .index import Index

Direction = Literal["upstream", "downstream"]
DIRECTIONS: tuple[Direction, ...] = ("upstream", "downstream")


@dataclass(frozen=True)
class Search:
    """What a breadth-first search from ``start`` reached, nearest first, as arrays.

    ``nodes[i]`` was found at ``depths[i]`` through ``via[i]``, its neighbour one
    level closer to ``start`` (``start`` itself at depth 1). ``depth_of`` is every
    node's depth, -1 where the search did not reach it; ``parent_of`` every
    reached node's ``via``. Nothing here is a Python object per node.
    """

    start: int
    nodes: np.ndarray
    depths: np.ndarray
    via: np.ndarray
    depth_of: np.ndarray
    parent_of: np.ndarray

    def __len__(self) -> int:
        return len(self.nodes)

    def route(self, node: int) -> list[int]:
        """The chain from ``start`` to a reached ``node``, each a step further away."""
        chain = [node]
        while chain[-1] != self.start:
            chain.append(int(self.parent_of[chain[-1]]))
        return chain[::-1]


def search(index: Index, start: int, direction: Direction, max_depth: int | None = None) -> Search:
    """Every node reachable from ``start`` in one direction, with its shortest depth.

    scipy's breadth-first search walks the compressed rows in compiled code. Its
    order is the queue's, so parents' places in it never go down: each level ends
    where the first node whose parent lies beyond the level before begins, found
    by a binary search, and a depth needs no loop over the nodes.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")
    matrix = index.compact.down if direction == "downstream" else index.compact.up
    order, parents = breadth_first_order(matrix, start, directed=True, return_predecessors=True)
    reached, their_parents = order[1:], parents[order[1:]]
    place = np.empty(index.node_count, dtype=np.int64)
    place[order] = np.arange(len(order))
    parent_place = place[their_parents]
    ends = [0]  # in ``reached``: where each level ends
    while ends[-1] < len(reached) and (max_depth is None or len(ends) <= max_depth):
        end = int(np.searchsorted(parent_place, ends[-1] + 1))
        if end == ends[-1]:
            break  # cannot happen in a breadth-first order; never loop on a surprise
        ends.append(end)
    cut = ends[-1]
    nodes, via = reached[:cut], their_parents[:cut]
    depths = np.repeat(np.arange(1, len(ends), dtype=np.int32), np.diff(ends))
    depth_of = np.full(index.node_count, -1, dtype=np.int32)
    depth_of[nodes] = depths
    depth_of[start] = 0
    return Search(start, nodes, depths, via, depth_of, parents)


def reach(
    index: Index, start: int, direction: Direction, max_depth: int | None = None
) -> dict[int, int]:
    """Every node reachable from ``start`` in one direction, with its shortest depth."""
    found = search(index, start, direction, max_depth)
    return dict(zip(found.nodes.tolist(), found.depths.tolist(), strict=True))


@dataclass(frozen=True)
class Reached:
    """A node found by a traversal: how deep, and the node it was reached through."""

    node: int
    depth: int
    via: int | None


def reach_with_route(
    index: Index, start: int, direction: Direction, max_depth: int | None = None
) -> list[Reached]:
    """``reach``, with for each node a neighbour one level closer to ``start``.

    Ordered by depth, then by name, as pages and reports list them.
    """
    found = search(index, start, direction, max_depth)
    result = [
        Reached(node, depth, via if depth > 1 else None)
        for node, depth, via in zip(
            found.nodes.tolist(), found.depths.tolist(), found.via.tolist(), strict=True
        )
    ]
    result.sort(key=lambda r: (r.depth, index.names[r.node].lower(), r.node))
    return result


def paths(
    index: Index, source: int, target: int, *, max_depth: int = 6, limit: int = 50
) -> list[list[int]]:
    """The simple chains of dependencies by which ``source`` needs ``target``.

    Shortest first, each at most ``max_depth`` dependencies long, at most ``limit``
    of them. Nodes that cannot reach the target in the steps left are never entered.
    """
    if source == target:
        return [[source]]
    distance_to_target = reach(index, target, "downstream", max_depth)
    if source not in distance_to_target:
        return []
    found: list[list[int]] = []
    route = [source]
    on_route = {source}
    # An explicit stack of iterators keeps deep estates off Python's recursion limit.
    stack = [iter(index.upstream(source)[0])]
    while stack and len(found) < limit * 4:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            on_route.discard(route.pop())
            continue
        left = max_depth - len(route)
        if step == target:
            found.append([*route, target])
            continue
        if step in on_route or distance_to_target.get(step, max_depth + 1) > left:
            continue
        route.append(step)
        on_route.add(step)
        stack.append(iter(index.upstream(step)[0]))
    found.sort(key=lambda p: (len(p), [index.names[n] for n in p]))
    return found[:limit]


def strongly_connected(index: Index) -> list[list[int]]:
    """Groups of services that all depend on one another (Tarjan, without recursion)."""
    counter = 0
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    groups: list[list[int]] = []
    offsets, nodes = index.up_offsets, index.up_nodes
    for root in range(index.service_count):
        if root in order:
            continue
        work = [(root, offsets[root])]
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, position = work[-1]
            if position < offsets[node + 1]:
                work[-1] = (node, position + 1)
                step = nodes[position]
                if step not in order:
                    order[step] = low[step] = counter
                    counter += 1
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, offsets[step]))
                elif step in on_stack:
                    low[node] = min(low[node], order[step])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    return groups


def cycles(index: Index) -> list[list[int]]:
    """One example loop of dependencies for each group of services in a cycle.

    Each loop starts and ends at the group's first service by name.
    """
    loops = []
    for group in strongly_connected(index):
        members = set(group)
        start = min(group, key=lambda n: (index.names[n].lower(), n))
        parent: dict[int, int] = {}
        queue = deque([start])
        loop: list[int] = []
        while queue and not loop:
            node = queue.popleft()
            for step in index.upstream(node)[0]:
                if step == start:
                    loop = [start]
                    walk = node
                    while walk != start:
                        loop.append(walk)
                        walk = parent[walk]
                    loop = [start, *reversed(loop[1:]), start]
                    break
                if step in members and step not in parent:
                    parent[step] = node
                    queue.append(step)
        loops.append(loop)
    loops.sort(key=lambda loop: index.names[loop[0]].lower())
    return loops


@dataclass(frozen=True)
class Subgraph:
    """Some nodes of the graph and the edges between them."""

    nodes: list[int]
    edges: list[int]


def neighbourhood(index: Index, centre: int, depth: int) -> Subgraph:
    """The service, what it needs and what needs it, up to ``depth`` steps each way."""
    chosen = {centre}
    chosen.update(reach(index, centre, "upstream", depth))
    chosen.update(reach(index, centre, "downstream", depth))
    return subgraph(index, chosen)


def subgraph(index: Index, chosen: Iterable[int]) -> Subgraph:
    """The chosen nodes and every edge whose two ends are among them."""
    members = set(chosen)
    edges = []
    for node in members:
        for target, edge in zip(*index.upstream(node), strict=True):
            if target in members:
                edges.append(edge)
    nodes = sorted(members, key=lambda n: (index.names[n].lower(), n))
    edges.sort(
        key=lambda e: (
            index.names[index.edge_source[e]].lower(),
            index.names[index.edge_target[e]].lower(),
        )
    )
    return Subgraph(nodes, edges)


def services_in_groups(index: Index, group_ids: Iterable[int]) -> list[int]:
    """The service nodes of some delivery groups, with the external systems they use."""
    wanted = set(group_ids)
    services = [n for n in range(index.service_count) if index.groups[n] in wanted]
    externals = {
        target
        for node in services
        for target in index.upstream(node)[0]
        if not index.is_service(target)
    }
    return services + sorted(externals)
