"""The load bench's mix in one process: processor time and SQL statements a request, by operation.

``bench/load.py`` measures what clients see of ``osr serve``; there, a request's cost
includes what the machine's sharing adds (gunicorn, sockets, five workers, PostgreSQL
and the clients taking turns on two cores), and it drifts with the machine. This runs
the same clients' operations, in the same proportions, through OSR's WSGI application
in this process, and times only the application, in this thread's processor time: a
steadier figure for judging a change by runs before and after it taken in turn,
beside the load bench's, never instead of it. With ``--calls`` it also counts the
function calls each request makes, which the machine's speed does not change: the
same seed and code make the same calls, so a change shows in them whatever the day.

The demo estate is loaded into a throwaway PostgreSQL database, with a task worker
beside it as in production; OSR runs in production mode. From the project's root:

    OSR_DEBUG=1 .venv/bin/python bench/load_in_process.py [--requests 3000] [--seed 1] [--calls]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import psycopg

from load import API, MIX, Client, Stats, backlog, osr
from serving import cpu_seconds, start_task_worker, stop


def production_environment(database_url: str, data_dir: str) -> None:
    """This process's settings, as ``osr serve``'s (read when Django starts)."""
    os.environ.pop("OSR_DEBUG", None)
    os.environ.update(
        DATABASE_URL=database_url,
        OSR_DATA_DIR=data_dir,
        OSR_SECRET_KEY=secrets.token_urlsafe(50),
        OSR_ALLOWED_HOSTS="127.0.0.1",
        OSR_SECURE_COOKIES="0",
        OSR_LOG_LEVEL="ERROR",
        OSR_DB_CONN_MAX_AGE="60",
        DJANGO_SETTINGS_MODULE="osr.settings",
    )


def measure(
    token: str, requests: int, seed: int, count_calls: bool = False
) -> tuple[Counter, Counter, Counter, Counter, Stats]:
    """Processor seconds, requests, SQL statements and (``count_calls``) function calls
    by operation, for about ``requests`` requests."""
    import django

    django.setup()
    from osr.core.warmup import warm
    from osr.wsgi import application  # the URLconf and the API's schemas built, as served

    warm()  # as osr serve does before its workers fork
    gc.freeze()
    from django.db import connection

    spent: Counter = Counter()
    calls: Counter = Counter()
    statements: Counter = Counter()
    current = ["survey"]

    def counted(execute, sql, params, many, context):
        statements[current[0]] += 1
        return execute(sql, params, many, context)

    profilers: dict[str, cProfile.Profile] = {}

    def answered(environ, start_response):
        if not count_calls:
            return list(application(environ, start_response))
        profiler = profilers.setdefault(current[0], cProfile.Profile())
        profiler.enable()
        try:
            return list(application(environ, start_response))
        finally:
            profiler.disable()

    def timed(environ, start_response):
        started = time.thread_time()
        try:
            with connection.execute_wrapper(counted):
                return answered(environ, start_response)
        finally:
            spent[current[0]] += time.thread_time() - started
            calls[current[0]] += 1

    stats = Stats()
    client = Client(0, "http://127.0.0.1", token, {}, stats, deadline=float("inf"))
    client.http = httpx.Client(
        base_url="http://127.0.0.1" + API,
        headers={"Authorization": f"Bearer {token}"},
        transport=httpx.WSGITransport(app=timed),
    )
    client.estate = survey(client.http)
    client.rng = random.Random(seed)
    call = client.call

    def named(op, *args, **kwargs):
        current[0] = op
        return call(op, *args, **kwargs)

    client.call = named  # type: ignore[method-assign]
    spent.clear()
    calls.clear()
    statements.clear()
    profilers.clear()
    ops, weights = list(MIX), list(MIX.values())
    while calls.total() < requests:
        getattr(client, "do_" + client.rng.choices(ops, weights)[0])()
    function_calls = Counter({op: pstats.Stats(p).total_calls for op, p in profilers.items()})
    return spent, calls, statements, function_calls, stats


def survey(http: httpx.Client) -> dict:
    """What the clients work on, as the load bench's survey finds it."""
    services = http.get("/services", params={"page_size": 200}).json()["results"]
    groups = http.get("/delivery-groups", params={"page_size": 200}).json()["results"]
    return {
        "services": [row["slug"] for row in services],
        "live": [row["slug"] for row in services if row["phase"] == "live"],
        "hot": [row["slug"] for row in services][:5],
        "groups": [row["slug"] for row in groups],
    }


def report(
    spent: Counter, calls: Counter, statements: Counter, function_calls: Counter, stats: Stats
) -> None:
    total = calls.total()
    print(f"\n{total} requests in one process: {spent.total() / total * 1000:.3f} ms of the "
          "application's processor time a request\n")  # fmt: skip
    counted = bool(function_calls)
    header = f"{'operation':<20}{'requests':>10}{'ms each':>10}{'share':>8}{'SQL each':>10}"
    print(header + (f"{'calls each':>12}" if counted else ""))
    for op in sorted(calls) + ["all"]:
        many, ms = (total, spent.total()) if op == "all" else (calls[op], spent[op])
        sql = statements.total() if op == "all" else statements[op]
        line = f"{op:<20}{many:>10}{ms / many * 1000:>10.3f}{ms / spent.total() * 100:>7.1f}%"
        line += f"{sql / many:>10.1f}"
        if counted:
            made = function_calls.total() if op == "all" else function_calls[op]
            line += f"{made / many:>12.0f}"
        print(line)
    if counted:
        print("(function calls counted by cProfile: its cost is in the times above)")
    errors = sum(stats.errors.values())
    print(f"errors: {errors}, of which 5xx or no answer: {stats.failed}")
    if errors:
        for what, count in stats.errors.most_common(5):
            print(f"  {count} × {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1, help="the same seed, the same requests")
    parser.add_argument(
        "--calls",
        action="store_true",
        help="count the function calls each request makes, which the machine's speed does "
        "not change (the times then include the counting's own cost)",
    )
    args = parser.parse_args()

    server_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    database = f"osr_inproc_{os.getpid()}"
    admin = psycopg.connect(f"{server_url}/postgres", autocommit=True)
    worker, stats = None, None
    try:
        admin.execute(f'CREATE DATABASE "{database}"')
        with tempfile.TemporaryDirectory(prefix="osr-inproc-") as tmp:
            env = os.environ | {"DATABASE_URL": f"{server_url}/{database}", "OSR_DEBUG": "1",
                                "OSR_DATA_DIR": tmp, "OSR_LOG_LEVEL": "WARNING"}  # fmt: skip
            print(f"Database {database}: migrating and loading the demo estate…", flush=True)
            osr(env, "migrate", "--verbosity", "0")
            osr(env, "demo")
            osr(env, "users", "create", "bench", "--role", "admin")
            token = osr(env, "token", "create", "bench").strip()
            production_environment(env["DATABASE_URL"], tmp)
            # The task worker re-evaluates what the writes mark stale, as beside osr serve.
            worker = start_task_worker(dict(os.environ), Path(tmp) / "worker.log")
            worker_before = cpu_seconds([worker.pid])[worker.pid]
            spent, calls, statements, function_calls, stats = measure(
                token, args.requests, args.seed, count_calls=args.calls
            )
            worker_spent = cpu_seconds([worker.pid])[worker.pid] - worker_before
            report(spent, calls, statements, function_calls, stats)
            print(f"the task worker beside it: {worker_spent / calls.total() * 1000:.3f} ms "
                  "of processor time a request")  # fmt: skip
            print(backlog(env["DATABASE_URL"]))
    finally:
        if worker is not None:
            stop(worker)
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()
    if stats is not None and stats.failed:
        sys.exit(f"FAILED: {stats.failed} answers 5xx or no answer")


if __name__ == "__main__":
    main()
