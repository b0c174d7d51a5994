"""Benchmark of the dependency graph index on a generated estate.

50,000 services and 175,000 dependencies are written with ``bulk_create`` into a
temporary SQLite database this script creates. It times building the index from
the database, then the p50 and p95 of transitive impact queries (every service
affected if one fails, with depth), done by the index and by networkx on the same
data in the same run.

    OSR_DEBUG=1 .venv/bin/python bench/graph.py [--services N] [--dependencies N]

Target: impact p95 under 50 ms, and no slower than networkx.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_P95_MS = 50.0
PHASES = ["discovery", "alpha", "private_beta", "public_beta", "live", "live", "live", "retired"]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def setup_django(directory: Path) -> None:
    os.environ.setdefault("OSR_DEBUG", "1")
    os.environ["OSR_DATA_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench-graph.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "osr.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(services: int, dependencies: int, seed: int) -> None:
    """A layered estate: most services depend on a few shared ones, which depend on
    a few platform services, so some services are needed by much of the estate."""
    from osr.catalogue.models import DeliveryGroup, Dependency, Service
    from osr.graph.models import GraphVersion

    rng = random.Random(seed)
    groups = DeliveryGroup.objects.bulk_create(
        DeliveryGroup(name=f"Delivery group {n}", slug=f"group-{n}") for n in range(50)
    )
    Service.objects.bulk_create(
        (
            Service(
                name=f"Service {n:05d}",
                slug=f"service-{n:05d}",
                delivery_group=groups[n % len(groups)],
                phase=rng.choice(PHASES),
                critical=rng.random() < 0.1,
                uses_live_data=rng.random() < 0.2,
            )
            for n in range(services)
        ),
        batch_size=5000,
    )
    ids = list(Service.objects.order_by("slug").values_list("id", flat=True))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < dependencies:
        source = rng.randrange(1, services)
        # Lower-numbered services are the shared and platform ones: needed by many.
        target = int(source * rng.random() ** 2)
        if target != source:
            pairs.add((source, target))
    kinds = ["runtime_api"] * 6 + ["data_feed", "shared_component", "identity", "other"]
    Dependency.objects.bulk_create(
        (
            Dependency(
                from_service_id=ids[source],
                to_service_id=ids[target],
                kind=rng.choice(kinds),
                carries_live_data=rng.random() < 0.05,
            )
            for source, target in pairs
        ),
        batch_size=5000,
    )
    GraphVersion.bump()  # bulk_create sends no signal


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--dependencies", type=int, default=175_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="osr-bench-graph-") as directory:
        setup_django(Path(directory))
        import networkx as nx

        from osr.graph.index import current_index, forget
        from osr.graph.queries import reach

        ms, _ = timed(generate, options.services, options.dependencies, options.seed)
        print(
            f"estate: {options.services:,} services, {options.dependencies:,} dependencies "
            f"written in {ms / 1000:.1f} s"
        )

        builds = []
        for _ in range(3):
            forget()
            ms, index = timed(current_index)
            builds.append(ms)
        print(f"index build from the database: {statistics.median(builds):.0f} ms (median of 3)")

        ms, graph = timed(build_networkx, nx, index)
        print(f"networkx graph build from the same index: {ms:.0f} ms")

        rng = random.Random(options.seed)
        random_starts = [rng.randrange(index.service_count) for _ in range(options.queries)]
        # The services most directly depended on: the worst cases for an impact query.
        hubs = sorted(
            range(index.service_count),
            key=lambda n: index.down_offsets[n + 1] - index.down_offsets[n],
            reverse=True,
        )[: options.queries]
        verdicts = []
        for label, starts in (("random services", random_starts), ("most needed services", hubs)):
            verdicts.append(compare(nx, index, graph, reach, label, starts))
        met = all(verdicts)
        print(
            f"target (p95 < {TARGET_P95_MS:.0f} ms and no slower than networkx): "
            f"{'met' if met else 'NOT met'}"
        )
        return 0 if met else 1


def compare(nx, index, graph, reach, label: str, starts: list[int]) -> bool:
    """Time the impact query from each start with the index and with networkx."""
    ours, theirs, sizes = [], [], []
    for start in starts:
        ms, found = timed(reach, index, start, "downstream")
        ours.append(ms)
        sizes.append(len(found))
        ms, lengths = timed(nx.single_source_shortest_path_length, graph, start)
        theirs.append(ms)
        assert len(lengths) - 1 == len(found), "both find the same services"
    print(
        f"\nimpact of {len(starts)} {label}: affected services p50 "
        f"{percentile(sizes, 0.5):,.0f}, p95 {percentile(sizes, 0.95):,.0f}, max {max(sizes):,}"
    )
    print(f"{'':12} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, samples in (("index", ours), ("networkx", theirs)):
        print(
            f"{name:12} {percentile(samples, 0.5):8.3f} {percentile(samples, 0.95):8.3f} "
            f"{max(samples):8.3f}"
        )
    p95, nx_p95 = percentile(ours, 0.95), percentile(theirs, 0.95)
    return p95 < TARGET_P95_MS and p95 <= nx_p95


def build_networkx(nx, index):
    """The same graph in networkx, edges pointing from a service to those that need it."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(index.node_count))
    graph.add_edges_from(zip(index.edge_target, index.edge_source, strict=True))
    return graph


if __name__ == "__main__":
    sys.exit(main())
