"""Questions asked of the dependency graph index: plain functions over plain data.

``upstream`` is what a service needs; ``downstream`` is what needs it, and so
what breaks when it fails. Depths count dependencies: a direct one is depth 1.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .index import Index

Direction = Literal["upstream", "downstream"]
DIRECTIONS: tuple[Direction, ...] = ("upstream", "downstream")


def _adjacency(index: Index, direction: Direction):
    if direction == "upstream":
        return index.up_offsets, index.up_nodes
    if direction == "downstream":
        return index.down_offsets, index.down_nodes
    raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")


def reach(
    index: Index, start: int, direction: Direction, max_depth: int | None = None
) -> dict[int, int]:
    """Every node reachable from ``start`` in one direction, with its shortest depth.

    A breadth-first search one level at a time: the neighbours of a whole level
    are gathered with set operations, so the work per edge stays in C.
    """
    offsets, nodes = _adjacency(index, direction)
    found: dict[int, int] = {}
    seen = {start}
    frontier: Iterable[int] = (start,)
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        level: set[int] = set()
        for node in frontier:
            level.update(nodes[offsets[node] : offsets[node + 1]])
        level -= seen
        seen |= level
        found.update(dict.fromkeys(level, depth))
        frontier = level
    return found


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
    depths = reach(index, start, direction, max_depth)
    back_offsets, back_nodes = _adjacency(
        index, "downstream" if direction == "upstream" else "upstream"
    )
    depths_with_start = {**depths, start: 0}
    result = []
    for node, depth in depths.items():
        via = None
        if depth > 1:
            for neighbour in back_nodes[back_offsets[node] : back_offsets[node + 1]]:
                if depths_with_start.get(neighbour) == depth - 1:
                    via = neighbour
                    break
        result.append(Reached(node, depth, via))
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
