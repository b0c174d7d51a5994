"""Benchmark of the pre-check a pipeline calls: ``POST /api/v1/services/{slug}/precheck``.

In a temporary SQLite database it writes bench/impact.py's estate (50,000 services
and 175,000 dependencies by default, a few platform services needed by most of
it), starts OSR under gunicorn (one worker, production settings) and pre-checks
over HTTP the services with at least 40,000 transitive dependents, then typical
ones. It prints p50/p95, the body's size and the queries one call runs beside
the goal: p95 under 200 ms for a service with 40,000 dependents.

    OSR_DEBUG=1 .venv/bin/python bench/precheck.py [--services 50000] [--rounds 20]

A missed goal prints ``GOAL MISSED``; the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from impact import graph_estate, over_http, percentile, queries_of, setup_django, verdict
from serving import start_gunicorn, stop

GOAL_MS = 200.0
DEPENDENTS = 40_000
PRECHECK = ("/precheck", "post")  # the path under each service, and the method


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--dependencies", type=int, default=175_000)
    parser.add_argument("--rounds", type=int, default=20, help="calls of each service")
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="osr-bench-precheck-") as directory:
        env = setup_django(Path(directory))
        token, index, sizes = graph_estate(options)
        big = sorted((n for n, size in sizes.items() if size >= DEPENDENTS), key=sizes.get)[:10]
        if not big:
            print(f"GOAL MISSED: no service has {DEPENDENTS:,} dependents; give more --services")
            return
        rng = random.Random(options.seed)
        typical = rng.sample(sorted(n for n, size in sizes.items() if 0 < size <= 50), 20)
        print(f"{len(big)} services with {sizes[big[0]]:,} to {sizes[big[-1]]:,} dependents")

        server, base = start_gunicorn(env, Path(directory) / "gunicorn.log")
        try:
            over_http(
                base, token, [index.slugs[big[0]]], 1, *PRECHECK
            )  # the worker builds its index
            print(f"\nPOST /api/v1/services/{{slug}}/precheck over HTTP (gunicorn, 1 worker), "
                  f"{options.rounds} rounds")  # fmt: skip
            print(f"  {'':24}{'p50 ms':>9}{'p95 ms':>9}{'body KB':>9}{'queries':>9}   goal")
            rows = ((f"{DEPENDENTS:,}+ dependents", big), ("typical services", typical))
            for label, nodes in rows:
                slugs = [index.slugs[n] for n in nodes]
                times, body = over_http(base, token, slugs, options.rounds, *PRECHECK)
                p95 = percentile(times, 0.95)
                print(f"  {label:24}{percentile(times, 0.5):9.1f}{p95:9.1f}{body / 1024:9.1f}"
                      f"{queries_of(token, slugs[0], *PRECHECK):9d}   p95 < {GOAL_MS:.0f} ms: "
                      f"{verdict(p95, GOAL_MS)}")  # fmt: skip
        finally:
            stop(server)


if __name__ == "__main__":
    main()
