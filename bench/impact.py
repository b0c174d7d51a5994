"""Benchmark of impact at the address people call: ``GET /api/v1/services/{slug}/impact``.

In a temporary SQLite database it writes an estate of 50,000 services and 175,000
dependencies shaped like bench/graph.py's (a few platform services needed by most
of the estate), starts OSR under gunicorn (one worker, production settings) and
calls the impact of the biggest hubs and of typical services over HTTP, and a hub's
again in the seconds after a dependency is written (the index is rebuilt beside the
requests, which must not wait for it). It prints
p50/p95, the body's size and the queries one call runs (counted in process, through
Django's test client, for a hub and a typical service) beside the goals; then, in
the same run, the graph search alone beside networkx's ``descendants`` on the same
graph. Last, 1,000,000 services and 3,500,000 dependencies more (beside the first): the index
built from the database (time and memory) and a hub's reach and whole answer.

    OSR_DEBUG=1 .venv/bin/python bench/impact.py [--services 50000] [--big 1000000]

``--big 0`` leaves out the million. A missed goal prints ``GOAL MISSED``; the exit
status is 0 either way: the benchmark reports, it does not gate.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import httpx

from serving import start_gunicorn, stop

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"hub p95 ms": 100.0, "typical p95 ms": 10.0, "body KB": 100.0}
BIG_GOALS = {"hub answer p95 ms": 200.0, "build s": 15.0, "build MiB": 1024.0}
PHASES = ["discovery", "alpha", "private_beta", "public_beta", "live", "live", "live", "retired"]
KINDS = ["runtime_api"] * 6 + ["data_feed", "shared_component", "identity", "other"]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def verdict(value: float, goal: float) -> str:
    return "met" if value < goal else "GOAL MISSED"


def setup_django(directory: Path) -> dict:
    """Point OSR at a new SQLite database in ``directory``; the environment for gunicorn."""
    env = {
        "OSR_DEBUG": "1",
        "OSR_DATA_DIR": str(directory),
        "DATABASE_URL": f"sqlite:///{directory / 'bench-impact.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "osr.settings",
        "OSR_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return os.environ | env


def insert(model, template: dict, columns: list[str], rows) -> None:
    """Rows of ``model`` written with ``executemany``: each field as an instance made from
    ``template`` would save it, ``columns`` (attribute names) from each row. Much faster
    than ``bulk_create`` for millions of rows, and it sends no signal either."""
    from django.db import connection, transaction

    example = model(**template)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = {f.attname: f.get_db_prep_save(f.pre_save(example, True), connection) for f in fields}
    order = [f.attname for f in fields]
    varying = [order.index(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
    base = [fixed[name] for name in order]
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for row in rows:
            values = base.copy()
            for place, value in zip(varying, row, strict=True):
                values[place] = value
            batch.append(values)
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def write_estate(services: int, dependencies: int, seed: int, prefix: str = "") -> None:
    """``services`` services and about ``dependencies`` dependencies: lower-numbered
    services are the shared and platform ones, needed by many."""
    import numpy as np

    from osr.catalogue.models import DeliveryGroup, Dependency, Service
    from osr.graph.models import GraphVersion

    rng = random.Random(seed)
    groups = DeliveryGroup.objects.bulk_create(
        DeliveryGroup(name=f"Delivery group {prefix}{n}", slug=f"group-{prefix}{n}")
        for n in range(50)
    )
    columns = ["name", "slug", "delivery_group_id", "phase", "critical", "uses_live_data",
               "support_contact_email"]  # fmt: skip
    insert(
        Service,
        {"name": "-", "slug": "-", "delivery_group": groups[0]},
        columns,
        (
            (f"Service {prefix}{n:07d}", f"service-{prefix}{n:07d}", groups[n % 50].pk,
             rng.choice(PHASES), rng.random() < 0.1, rng.random() < 0.2,
             f"support-{n}@defra.example")
            for n in range(services)
        ),
    )  # fmt: skip
    ids = np.array(
        Service.objects.filter(slug__startswith=f"service-{prefix}")
        .order_by("slug")
        .values_list("id", flat=True)
    )
    numbers = np.random.default_rng(seed)
    source = numbers.integers(1, services, int(dependencies * 1.02))
    target = (source * numbers.random(len(source)) ** 2).astype(np.int64)
    pairs = np.unique(source[source != target] * services + target[source != target])
    pairs = numbers.permutation(pairs)[:dependencies]
    insert(
        Dependency,
        {"from_service_id": 0, "to_service_id": 0},
        ["from_service_id", "to_service_id", "kind", "carries_live_data"],
        (
            (int(ids[pair // services]), int(ids[pair % services]), rng.choice(KINDS),
             rng.random() < 0.05)
            for pair in pairs.tolist()
        ),
    )  # fmt: skip
    GraphVersion.bump()  # no signal was sent


def over_http(
    base: str,
    token: str,
    slugs: list[str],
    rounds: int,
    path: str = "/impact",
    method: str = "get",
) -> tuple[list[float], int]:
    """Milliseconds of each call of the slugs' impact (or of ``path`` under each service),
    ``rounds`` times over; the largest body."""
    times, largest = [], 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        for _ in range(rounds):
            for slug in slugs:
                started = time.perf_counter()
                response = http.request(method, f"/api/v1/services/{slug}{path}")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text[:300]
                largest = max(largest, len(response.content))
    return times, largest


def just_after_a_write(base: str, token: str, slug: str, seconds: float = 3.0) -> list[float]:
    """Milliseconds of each call of a hub's impact in the ``seconds`` after a dependency is
    written: the index is rebuilt beside the requests, so none of them waits for it."""
    from osr.catalogue.models import Dependency, Service

    first, second = Service.objects.order_by("?").values_list("pk", flat=True)[:2]
    Dependency.objects.create(from_service_id=first, to_service_id=second, kind="other")
    times = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = http.get(f"/api/v1/services/{slug}/impact")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text[:300]
    return times


def queries_of(token: str, slug: str, path: str = "/impact", method: str = "get") -> int:
    """The queries one call runs, once the index is built."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, auth = Client(), {"Authorization": f"Bearer {token}"}
    call = getattr(client, method)
    call(f"/api/v1/services/{slug}{path}", headers=auth)
    with CaptureQueriesContext(connection) as captured:
        call(f"/api/v1/services/{slug}{path}", headers=auth)
    return len(captured)


def timed_ms(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def search_beside_networkx(index, hubs: list[int], typical: list[int]) -> None:
    import networkx as nx

    from osr.graph.queries import search

    graph = nx.DiGraph()
    graph.add_nodes_from(range(index.node_count))
    graph.add_edges_from(zip(index.edge_target, index.edge_source, strict=True))
    print(f"\nthe graph search alone, in process ({'':>4}p50 ms, p95 ms)")
    for label, nodes in (("hubs", hubs), ("typical services", typical)):
        ours, theirs = [], []
        for node in nodes * 3:
            ms, found = timed_ms(search, index, node, "downstream")
            ours.append(ms)
            ms, descendants = timed_ms(nx.descendants, graph, node)
            theirs.append(ms)
            assert len(descendants) == len(found), "both find the same services"
        for name, samples in (("OSR (scipy BFS)", ours), ("networkx descendants", theirs)):
            print(f"  {label:17} {name:22} {percentile(samples, 0.5):8.2f} "
                  f"{percentile(samples, 0.95):8.2f}")  # fmt: skip


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def big_estate(services: int, seed: int) -> None:
    """The index of a million services: its build from the database and a hub's answer."""
    import numpy as np

    from osr.catalogue.models import Service
    from osr.graph import services as graph
    from osr.graph.kept_index import current_index, forget
    from osr.graph.queries import search

    print(f"\nwriting {services:,} services and {services * 7 // 2:,} dependencies…", flush=True)
    started = time.perf_counter()
    write_estate(services, services * 7 // 2, seed, prefix="m")
    print(f"written in {time.perf_counter() - started:.0f} s")
    forget()
    before, peak_before = rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    build_ms, index = timed_ms(current_index)  # kept as the process's shared index
    grown = rss_mib() - before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - peak_before
    degrees = np.diff(np.frombuffer(index.down_offsets, dtype=np.int64))
    hubs = np.argsort(degrees)[::-1][:10].tolist()
    reach_ms = [timed_ms(search, index, node, "downstream")[0] for node in hubs * 2]
    reached = max(len(search(index, node, "downstream")) for node in hubs)
    # The whole answer, as the endpoint makes it: search, summary, ranking and the page's rows.
    hub_services = list(Service.objects.filter(slug__in=[index.slugs[n] for n in hubs]))
    answer_ms = [timed_ms(graph.impact, s)[0] for s in hub_services * 2]
    print(
        f"{index.node_count:,} nodes, {index.edge_count:,} edges; the biggest hub reaches "
        f"{reached:,}\n"
        f"  index build from the database {build_ms / 1000:6.1f} s   goal < "
        f"{BIG_GOALS['build s']:.0f} s: {verdict(build_ms / 1000, BIG_GOALS['build s'])}\n"
        f"  memory kept by the index      {grown:6.0f} MiB (peak +{max(peak, grown):.0f} MiB)   "
        f"goal < 1 GiB: {verdict(max(peak, grown), BIG_GOALS['build MiB'])}\n"
        f"  a hub's reach (search)        p50 {percentile(reach_ms, 0.5):6.0f} ms, p95 "
        f"{percentile(reach_ms, 0.95):6.0f} ms\n"
        f"  a hub's whole answer          p50 {percentile(answer_ms, 0.5):6.0f} ms, p95 "
        f"{percentile(answer_ms, 0.95):6.0f} ms   goal p95 < 200 ms: "
        f"{verdict(percentile(answer_ms, 0.95), BIG_GOALS['hub answer p95 ms'])}"
    )


def graph_estate(options) -> tuple[str, object, dict[int, int]]:
    """Write the estate of ``--services`` and ``--dependencies``; a viewer's token, the
    graph index, and how many services each service (by index node) affects."""
    from osr.core.accounts import create_user
    from osr.core.models import ApiToken
    from osr.graph.impact import affected
    from osr.graph.kept_index import current_index

    started = time.perf_counter()
    write_estate(options.services, options.dependencies, options.seed)
    print(f"estate: {options.services:,} services, {options.dependencies:,} dependencies, "
          f"written in {time.perf_counter() - started:.0f} s")  # fmt: skip
    token = ApiToken.issue(create_user("bench", role="viewer"))
    index = current_index()
    return token, index, {n: len(affected(index, n)) for n in range(index.service_count)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--dependencies", type=int, default=175_000)
    parser.add_argument("--rounds", type=int, default=10, help="calls of each hub and service")
    parser.add_argument("--big", type=int, default=1_000_000, help="0 leaves the million out")
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="osr-bench-impact-") as directory:
        env = setup_django(Path(directory))
        token, index, sizes = graph_estate(options)
        rng = random.Random(options.seed)
        hubs = sorted(sizes, key=sizes.get, reverse=True)[:10]
        typical = rng.sample(sorted(n for n, size in sizes.items() if 0 < size <= 50), 20)
        print(f"hubs reach {min(sizes[n] for n in hubs):,} to {sizes[hubs[0]]:,} services; "
              f"typical services 1 to 50")  # fmt: skip

        server, base = start_gunicorn(env, Path(directory) / "gunicorn.log")
        try:
            over_http(base, token, [index.slugs[hubs[0]]], 1)  # the worker builds its index
            print(f"\nGET /api/v1/services/{{slug}}/impact over HTTP (gunicorn, 1 worker), "
                  f"{options.rounds} rounds")  # fmt: skip
            print(f"  {'':17}{'p50 ms':>9}{'p95 ms':>9}{'body KB':>9}{'queries':>9}   goal")
            rows = (("10 biggest hubs", hubs, "hub p95 ms"),
                    ("typical services", typical, "typical p95 ms"))  # fmt: skip
            for label, nodes, goal in rows:
                slugs = [index.slugs[n] for n in nodes]
                times, body = over_http(base, token, slugs, options.rounds)
                p95 = percentile(times, 0.95)
                print(f"  {label:17}{percentile(times, 0.5):9.1f}{p95:9.1f}{body / 1024:9.1f}"
                      f"{queries_of(token, slugs[0]):9d}   p95 < {GOALS[goal]:.0f} ms: "
                      f"{verdict(p95, GOALS[goal])}; body < 100 KB: "
                      f"{verdict(body / 1024, GOALS['body KB'])}")  # fmt: skip
            # The floor under any answer: the same stack reading one service's own record.
            times, body = over_http(base, token, slugs, options.rounds, path="")
            print(f"  {'(service record)':17}{percentile(times, 0.5):9.1f}"
                  f"{percentile(times, 0.95):9.1f}{body / 1024:9.1f}   the stack's floor, "
                  f"GET /api/v1/services/{{slug}}")  # fmt: skip
            times = just_after_a_write(base, token, index.slugs[hubs[0]])
            p95, goal = percentile(times, 0.95), GOALS["hub p95 ms"]
            print(f"  {'just after a write':17}{percentile(times, 0.5):9.1f}{p95:9.1f}"
                  f"{'':18}   hub p95 < {goal:.0f} ms: {verdict(p95, goal)}"
                  f" ({len(times)} calls in the 3 s after a dependency is written, slowest "
                  f"{max(times):.0f} ms)")  # fmt: skip
        finally:
            stop(server)
        search_beside_networkx(index, hubs, typical)
        if options.big:
            big_estate(options.big, options.seed)


if __name__ == "__main__":
    main()
