"""Small estates for the graph's tests: as plain rows (no database) or as catalogue rows."""

from osr.graph.index import Index, build_index


def index_of(services: dict, edges: list, externals: tuple = (), version="v1") -> Index:
    """An index from ``{slug: (phase, critical, uses_live_data)}`` (or just a phase) and
    ``[(from, to, kind, carries_live_data)]`` (kind and flag optional)."""
    rows = []
    for pk, (slug, spec) in enumerate(services.items(), start=1):
        phase, critical, live = (spec, False, False) if isinstance(spec, str) else spec
        rows.append((pk, slug, slug.replace("-", " ").title(), phase, critical, live, 1))
    service_pk = {row[1]: row[0] for row in rows}
    external_rows = [(100 + n, slug, slug.title()) for n, slug in enumerate(externals)]
    external_pk = {row[1]: row[0] for row in external_rows}
    dependency_rows = []
    for pk, edge in enumerate(edges, start=1):
        source, target, kind, live = (
            (*edge, "runtime_api", False)[:4]
            if len(edge) == 2
            else (
                *edge,
                False,
            )[:4]
        )
        if target in external_pk:
            dependency_rows.append((pk, service_pk[source], None, external_pk[target], kind, live))
        else:
            dependency_rows.append((pk, service_pk[source], service_pk[target], None, kind, live))
    return build_index(version, rows, external_rows, dependency_rows)


def names(index: Index, nodes) -> list[str]:
    return [index.slugs[n] for n in nodes]


def by_slug(index: Index, found: dict) -> dict[str, int]:
    return {index.slugs[n]: depth for n, depth in found.items()}
