"""The graph for other tools: JSON (nodes and edges) and Graphviz DOT."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .index import Index
from .queries import Subgraph

# Light tints of the GOV.UK tag colours used for each phase on the pages.
PHASE_FILL = {
    "discovery": "#e5e6e7",
    "alpha": "#efdfed",
    "private_beta": "#fcd6c3",
    "public_beta": "#fff7bf",
    "live": "#cce2d8",
    "retired": "#f4cdc6",
    "": "#ffffff",
}


def whole(index: Index) -> Subgraph:
    return Subgraph(list(range(index.node_count)), list(range(index.edge_count)))


def node_dict(index: Index, node: int, group_slugs: Mapping[int, str]) -> dict[str, Any]:
    is_service = index.is_service(node)
    return {
        "id": index.key(node),
        "kind": "service" if is_service else "external",
        "slug": index.slugs[node],
        "name": index.names[node],
        "phase": index.phase(node) or None,
        "critical": bool(index.critical[node]),
        "uses_live_data": bool(index.live_data[node]),
        "delivery_group": group_slugs.get(index.groups[node]) if is_service else None,
    }


def edge_dict(index: Index, edge: int) -> dict[str, Any]:
    return {
        "id": index.edge_ids[edge],
        "source": index.key(index.edge_source[edge]),
        "target": index.key(index.edge_target[edge]),
        "kind": index.kind(edge),
        "carries_live_data": bool(index.edge_live[edge]),
    }


def graph_dict(index: Index, part: Subgraph, group_slugs: Mapping[int, str]) -> dict[str, Any]:
    """Nodes and edges; an edge goes from the service that needs to what it needs."""
    return {
        "version": str(index.version) if index.version is not None else None,
        "nodes": [node_dict(index, node, group_slugs) for node in part.nodes],
        "edges": [edge_dict(index, edge) for edge in part.edges],
    }


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def graph_dot(index: Index, part: Subgraph, *, name: str = "osr") -> str:
    """The graph in Graphviz DOT: services as boxes filled by phase, critical ones bold,
    external systems as ellipses, live-data dependencies drawn bold."""
    lines = [
        f"digraph {_quoted(name)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in part.nodes:
        attributes = _node_attributes(index, node)
        lines.append(f"  {_quoted(index.key(node))} [{', '.join(attributes)}];")
    for edge in part.edges:
        attributes = [f"label={_quoted(index.kind(edge).replace('_', ' '))}"]
        if index.edge_live[edge]:
            attributes.append('style=bold, color="#d4351c"')
        source, target = index.key(index.edge_source[edge]), index.key(index.edge_target[edge])
        lines.append(f"  {_quoted(source)} -> {_quoted(target)} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_attributes(index: Index, node: int) -> Iterable[str]:
    phase = index.phase(node)
    if not index.is_service(node):
        return [f"label={_quoted(index.names[node] + chr(10) + 'external')}", "shape=ellipse"]
    label = index.names[node] + "\n" + phase.replace("_", " ")
    attributes = [f"label={_quoted(label)}", f'fillcolor="{PHASE_FILL.get(phase, "#ffffff")}"']
    if index.critical[node]:
        attributes += ["penwidth=3", 'color="#d4351c"']
    return attributes
