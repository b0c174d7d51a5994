"""Load benchmark: concurrent API clients against ``osr serve`` on PostgreSQL.

The demo estate is loaded once into a template database; each run copies it and
starts ``osr serve`` and a task worker (``osr db_worker``) on the copy, the production
shape (production mode, 127.0.0.1). Clients mostly read
(lists, a service, its readiness, impact and incident contacts) and sometimes write
(register, edit with ``If-Match``, move phase, add and remove a dependency) for a
bounded time. Each run prints throughput and p95 beside the goals, p50/p95/p99 by
operation, statuses, errors (409 and 412 of writers racing are counted apart; a 412
is re-read and retried), and the processor time a request cost the server, the task
worker, the database and the clients. Any 5xx or failed connection in any run, the first list of
the estate included, is printed with the traceback logged for its request id, and
the bench exits 1 saying ``FAILED``; a missed speed goal is reported, not failed.
Databases are dropped at the end. With PostgreSQL on 127.0.0.1:5432 (trust auth;
``BENCH_PG_URL`` names another server), from the project's root:

    OSR_DEBUG=1 .venv/bin/python bench/load.py [--runs 3] [--clients 50] [--seconds 30]
        [--workers N] [--threads N] [--database NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from osr.core.serving import default_threads, default_workers
from serving import BIN, cpu_seconds, start_osr_serve, start_task_worker, stop, workers_of

API = "/api/v1"
MAX_REQUESTS_PER_CLIENT = 100_000
RETRIES = 3
WHAT = ("services", "delivery-groups")
GOAL_THROUGHPUT = 400  # requests a second, with 50 clients on the 2-core machine
GOAL_P95_MS = 150

# Operation -> weight: mostly reads, about a fifth writes.
MIX = {
    "list": 30, "read": 18, "readiness": 12, "impact": 10, "incident": 10,
    "create": 3, "patch": 7, "phase": 5, "dependency": 5,
}  # fmt: skip
# The list queries: filters, search and pages.
LISTS = [
    {}, {"phase": "live"}, {"phase": ["alpha", "public_beta"]}, {"q": "flood"}, {"q": "bench"},
    {"page": 2, "page_size": 10}, {"critical": "true", "page_size": 50},
]  # fmt: skip


@dataclass(frozen=True)
class ServerError:
    """A 5xx answer: what was asked, and the request id that finds its traceback in the log."""

    what: str
    status: int
    request_id: str
    body: str

    @classmethod
    def of(cls, op: str, response: httpx.Response) -> ServerError:
        request = response.request
        return cls(
            what=f"{op}: {request.method} {request.url.raw_path.decode()}",
            status=response.status_code,
            request_id=response.headers.get("X-Request-ID", ""),
            body=response.text[:300],
        )


class Stats:
    """Latencies and statuses of every request, by operation, shared by the clients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.conflicts: Counter = Counter()
        self.server_errors: list[ServerError] = []  # list.append is atomic

    def record(self, op: str, seconds: float, status, error: str | None, conflict: bool):
        with self.lock:
            self.latency[op].append(seconds)
            self.statuses[status] += 1
            if error:
                self.errors[f"{op}: {error}"] += 1
            elif conflict:
                self.conflicts[f"{op}: {status}"] += 1

    @property
    def failed(self) -> int:
        """Answers that fail the bench: 5xx, and requests that got no answer at all."""
        return len(self.server_errors) + self.statuses["failed"]


class Client:
    """One API client: its own connection and random stream, and the services it registered."""

    def __init__(self, number, base, token, estate, stats, deadline):
        self.number, self.estate, self.stats, self.deadline = number, estate, stats, deadline
        auth = {"Authorization": f"Bearer {token}"}
        self.http = httpx.Client(base_url=base + API, headers=auth, timeout=30)
        self.rng = random.Random(number)
        self.own: list[str] = []  # moved between discovery and alpha, which have no gate
        self.made = 0

    def call(self, op, method, path, ok=(200,), races=(), **kwargs):
        """One timed request; the response, or None when the connection failed.

        ``ok`` are the statuses of success, ``races`` those of losing a race to
        another writer (counted apart); any other status is an error.
        """
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.stats.record(op, time.perf_counter() - started, "failed", type(error).__name__, 0)
            return None
        status = response.status_code
        error = None if status in ok or status in races else f"{status} {response.text[:120]!r}"
        self.stats.record(op, time.perf_counter() - started, status, error, status in races)
        if status >= 500:
            self.stats.server_errors.append(ServerError.of(op, response))
        return response

    def run(self) -> None:
        ops, weights = list(MIX), list(MIX.values())
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= self.deadline:
                break
            getattr(self, "do_" + self.rng.choices(ops, weights)[0])()
        self.http.close()

    def any_service(self, pool="services") -> str:
        return "/services/" + self.rng.choice(self.estate[pool])

    def read_for_write(self, op, path):
        """The object's current answer (with its ETag), or None if it could not be read."""
        read = self.call(op, "GET", path)
        return read if read is not None and read.status_code == 200 else None

    # --- Reads ---------------------------------------------------------------------------

    def do_list(self):
        params = self.rng.choice(LISTS) | {"delivery_group": self.rng.choice(self.estate["groups"])}
        if self.rng.random() < 0.7:  # mostly across the estate, sometimes one group
            del params["delivery_group"]
        self.call("list", "GET", "/services", params=params)

    def do_read(self):
        self.call("read", "GET", self.any_service())

    def do_readiness(self):
        self.call("readiness", "GET", self.any_service() + "/readiness")

    def do_impact(self):
        self.call("impact", "GET", self.any_service() + "/impact")

    def do_incident(self):
        self.call("incident", "GET", self.any_service("live") + "/incident-contacts")

    # --- Writes --------------------------------------------------------------------------

    def do_create(self):
        self.made += 1
        slug, group = f"bench-{self.number}-{self.made}", self.rng.choice(self.estate["groups"])
        body = {"name": f"Bench {self.number}.{self.made}", "slug": slug, "delivery_group": group}
        response = self.call("create", "POST", "/services", ok=(201,), races=(409,), json=body)
        if response is not None and response.status_code == 201:
            self.own.append(slug)

    def do_patch(self):
        # A few shared services, so that writers meet; a stale ETag is re-read and retried.
        path = self.any_service("hot")
        for _ in range(RETRIES):
            if (read := self.read_for_write("read", path)) is None:
                return
            body = {"description": f"Edited by bench client {self.number} at {time.time():.6f}"}
            etag = {"If-Match": read.headers["ETag"]}
            patched = self.call("patch", "PATCH", path, races=(412,), json=body, headers=etag)
            if patched is None or patched.status_code != 412:
                return

    def do_phase(self):
        if not self.own:
            return self.do_create()
        path = "/services/" + self.rng.choice(self.own)
        if (read := self.read_for_write("read", path)) is None:
            return
        body = {"phase": "alpha" if read.json()["phase"] == "discovery" else "discovery"}
        self.call("phase", "POST", path + "/phase", races=(409,), json=body)

    def do_dependency(self):
        if not self.own:
            return self.do_create()
        to = self.rng.choice(self.estate["services"])
        body = {"from_service": self.rng.choice(self.own), "to_service": to, "kind": "runtime_api"}
        made = self.call("add dependency", "POST", "/dependencies", (201,), (409,), json=body)
        if made is None or made.status_code != 201:
            return
        path = f"/dependencies/{made.json()['id']}"
        for _ in range(RETRIES):
            if (read := self.read_for_write("read dependency", path)) is None:
                return
            etag = {"If-Match": read.headers["ETag"]}
            gone = self.call("remove dependency", "DELETE", path, (204,), (412,), headers=etag)
            if gone is None or gone.status_code != 412:
                return


# --- Set-up and tear-down ----------------------------------------------------------------


def osr(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "osr"), *args], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"osr {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def survey(base: str, token: str, stats: Stats) -> dict | None:
    """The services, groups and live services the clients will work on; None if refused."""
    with httpx.Client(base_url=base + API, headers={"Authorization": f"Bearer {token}"}) as http:
        answers = [http.get(f"/{what}", params={"page_size": 200}) for what in WHAT]
    for answer in answers:
        stats.record("survey", answer.elapsed.total_seconds(), answer.status_code, None, False)
        if answer.status_code >= 500:
            stats.server_errors.append(ServerError.of("survey", answer))
    if failed := [a for a in answers if a.status_code != 200]:
        print(f"{failed[0].request.url} answered {failed[0].status_code}: {failed[0].text[:300]}")
        return None
    services, groups = (answer.json() for answer in answers)
    rows = services["results"]
    return {
        "services": [row["slug"] for row in rows],
        "live": [row["slug"] for row in rows if row["phase"] == "live"],
        "hot": [row["slug"] for row in rows][:5],
        "groups": [row["slug"] for row in groups["results"]],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(stats: Stats, elapsed: float, args) -> tuple[float, float]:
    """Prints the run's figures; its throughput and p95 in milliseconds."""
    everything = [v for op, values in stats.latency.items() if op != "survey" for v in values]
    total = len(everything)
    throughput = total / elapsed if elapsed else 0.0
    serving = f"osr serve: {args.workers} workers x {args.threads} threads"
    print(f"\n{args.clients} clients, {serving}, {elapsed:.1f} s: {total} requests, "
          f"{throughput:.1f} requests/s (goal {GOAL_THROUGHPUT})\n")  # fmt: skip
    print(f"{'operation':<20}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    rows = sorted(stats.latency.items()) + [("all", everything)]
    for op, values in rows:
        if values:
            p50, p95, p99 = (percentile(values, share) for share in (0.5, 0.95, 0.99))
            print(f"{op:<20}{len(values):>10}{p50:>10.1f}{p95:>10.1f}{p99:>10.1f}")
    p95 = percentile(everything, 0.95) if everything else float("inf")
    print(f"p95 of all: {p95:.1f} ms (goal < {GOAL_P95_MS})")
    statuses = sorted(stats.statuses.items(), key=str)
    print("statuses: " + ", ".join(f"{status}: {count}" for status, count in statuses))
    races = ", ".join(f"{what}: {count}" for what, count in sorted(stats.conflicts.items()))
    print(f"writers' races (expected): {sum(stats.conflicts.values())} ({races or 'none'})")
    errors = sum(stats.errors.values())
    print(f"errors: {errors}, of which 5xx or no answer: {stats.failed} (target: 0)")
    for what, count in stats.errors.most_common(15):
        print(f"  {count} x {what}")
    return throughput, p95


def print_server_errors(stats: Stats, log: Path) -> None:
    """Each 5xx with the traceback logged for its request id; then any other error logged."""
    logged = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            logged.append(json.loads(line))
        elif "[ERROR]" in line or "[CRITICAL]" in line:  # gunicorn's own, in text
            logged.append({"message": line, "level": "ERROR"})
    by_request = {entry.get("request_id"): entry for entry in logged if entry.get("exception")}
    shown = set()
    for error in stats.server_errors:
        entry = by_request.get(error.request_id, {})
        trace = entry.get("exception", "(no traceback logged for this request id)")
        last = trace.strip().splitlines()[-1]
        if (error.what, last) in shown:
            continue  # the same failure again: once is enough
        shown.add((error.what, last))
        print(f"\n{error.status} to {error.what} [{error.request_id}]\n  body: {error.body}")
        print("  " + "\n  ".join(trace.strip().splitlines()[-12:]))
    answered = {error.request_id for error in stats.server_errors}
    others = [e for e in logged if e.get("level") in ("ERROR", "CRITICAL")]
    for entry in [e for e in others if e.get("request_id") not in answered][-5:]:
        trace = entry.get("exception", "").strip().splitlines()[-6:]
        print(f"- {entry.get('message', '')[:300]}\n    " + "\n    ".join(trace))


def drive(args, base, token, estate, stats, server, worker, admin, database):
    """The clients' requests for the time given; the figures (throughput, p95), with the
    processor time a request cost the server, the task worker, the database and the
    clients themselves."""
    clients = [Client(n, base, token, estate, stats, 0.0) for n in range(args.clients)]
    threads = [threading.Thread(target=c.run, daemon=True) for c in clients]

    def used() -> tuple[dict, dict, dict, float]:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
        backends = [pid for (pid,) in admin.execute(query, [database])]
        return (cpu_seconds(workers_of(server)), cpu_seconds([worker.pid]),
                cpu_seconds(backends), time.process_time())  # fmt: skip

    load_before = os.getloadavg()[0]
    server_before, worker_before, database_before, clients_before = used()
    started, deadline = time.perf_counter(), time.monotonic() + args.seconds
    for client, thread in zip(clients, threads, strict=True):
        client.deadline = deadline
        thread.start()
    for thread in threads:  # a request times out after 30 s, a client retries 3 times
        thread.join(timeout=max(0.0, deadline + 120 - time.monotonic()))
    elapsed = time.perf_counter() - started
    server_after, worker_after, database_after, clients_after = used()
    throughput, p95 = report(stats, elapsed, args)
    count = max(1, sum(len(values) for values in stats.latency.values()))

    def per_request(before: dict, after: dict) -> float:
        return sum(after[pid] - before.get(pid, 0.0) for pid in after) / count * 1000

    print(f"processor time a request: server {per_request(server_before, server_after):.1f} ms, "
          f"task worker {per_request(worker_before, worker_after):.1f} ms, "
          f"database {per_request(database_before, database_after):.1f} ms, "
          f"clients {(clients_after - clients_before) / count * 1000:.1f} ms; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"({os.cpu_count()} cores)")  # fmt: skip
    return throughput, p95


def backlog(database_url: str) -> str:
    """What the task worker had still to do when the clients stopped: a worker that keeps
    up leaves about one refresh waiting and a few results stale."""
    waiting = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
    stale = "SELECT count(*) FROM readiness_readinessresult WHERE stale"
    with psycopg.connect(database_url, autocommit=True) as db:
        queued, behind = ((db.execute(query).fetchone() or (0,))[0] for query in (waiting, stale))
    return (
        f"left for the task worker when the clients stopped: {queued} tasks waiting, "
        f"{behind} readiness results stale"
    )


def one_run(number: int, args, admin, server_url: str, token: str) -> tuple[Stats, float, float]:
    """One run on a fresh copy of the estate, under a gunicorn of its own."""
    name = f"{args.database}_run{number}"
    stats = Stats()
    server = worker = None
    with tempfile.TemporaryDirectory(prefix="osr-load-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        try:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{args.database}"')
            env = os.environ | {"DATABASE_URL": f"{server_url}/{name}", "OSR_DATA_DIR": tmp,
                                "OSR_LOG_LEVEL": "WARNING"}  # fmt: skip
            server, base = start_osr_serve(env, log, workers=args.workers, threads=args.threads)
            # The production shape: web processes and a task worker, which re-evaluates
            # the stored readiness each write marks stale.
            worker = start_task_worker(env, log)
            estate = survey(base, token, stats)
            throughput = p95 = 0.0
            if estate is not None:
                print(f"Run {number}: gunicorn on {base}: {len(estate['services'])} services, "
                      f"{args.clients} clients for {args.seconds:g} s…", flush=True)  # fmt: skip
                throughput, p95 = drive(
                    args, base, token, estate, stats, server, worker, admin, name
                )
                print(backlog(f"{server_url}/{name}"))
        finally:
            for process in (worker, server):
                if process is not None:
                    stop(process)
            if stats.failed or stats.errors:
                print_server_errors(stats, log)
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return stats, throughput, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="each on a fresh copy of the estate")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, help="default: as many as osr serve starts")
    parser.add_argument("--threads", type=int, help="default: as many as osr serve starts")
    parser.add_argument("--database", default=f"osr_load_{os.getpid()}", help="template's name")
    args = parser.parse_args()
    args.workers = args.workers or default_workers()
    args.threads = args.threads or default_threads()

    server_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    admin = psycopg.connect(f"{server_url}/postgres", autocommit=True)
    runs = []
    try:
        admin.execute(f'CREATE DATABASE "{args.database}"')
        env = os.environ | {"DATABASE_URL": f"{server_url}/{args.database}",
                            "OSR_DEBUG": "1", "OSR_LOG_LEVEL": "WARNING"}  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="osr-load-") as tmp:
            env["OSR_DATA_DIR"] = tmp
            print(f"Database {args.database}: migrating and loading the demo estate…", flush=True)
            osr(env, "migrate", "--verbosity", "0")
            osr(env, "demo")
            osr(env, "users", "create", "bench", "--role", "admin")
            token = osr(env, "token", "create", "bench").strip()
        for number in range(1, args.runs + 1):
            runs.append(one_run(number, args, admin, server_url, token))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        admin.close()

    failed = sum(stats.failed for stats, _, _ in runs)
    print(f"\n{len(runs)} runs: " + "; ".join(
        f"{rate:.0f} requests/s, p95 {p95:.0f} ms" for _, rate, p95 in runs
    ) + f" (goals: {GOAL_THROUGHPUT} requests/s, p95 < {GOAL_P95_MS} ms)")  # fmt: skip
    if failed:
        sys.exit(f"FAILED: {failed} answers 5xx or no answer over {len(runs)} runs")
    print(f"No 5xx and no failed connection over {len(runs)} runs.")


if __name__ == "__main__":
    main()
