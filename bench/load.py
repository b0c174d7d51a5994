"""Load benchmark: concurrent API clients against OSR on PostgreSQL behind gunicorn.

In a throwaway PostgreSQL database with the demo estate, behind gunicorn in
production mode on 127.0.0.1, clients mostly read (service lists with filters
and pages, a service, its readiness and impact, incident contacts) and sometimes
write (register a service, edit one with ``If-Match``, move their own between
discovery and alpha, add and remove a dependency) for a bounded time. It prints
throughput, p50/p95/p99 latency overall and per operation, answers by status and
errors (5xx, failed connections, unexpected statuses; target zero, else ``TARGET
MISSED``, exit 0 either way). 409 and 412 from writers racing on one object are
expected and counted apart; a 412 is re-read and retried. Gunicorn is stopped
and the database dropped at the end, whatever happens. From the project's root,
with PostgreSQL on 127.0.0.1:5432 (trust auth; ``BENCH_PG_URL`` names another):

    OSR_DEBUG=1 .venv/bin/python bench/load.py [--clients 50] [--seconds 30] [--workers 4]
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
from pathlib import Path

import httpx
import psycopg

from serving import BIN, start_gunicorn, stop

API = "/api/v1"
MAX_REQUESTS_PER_CLIENT = 100_000
RETRIES = 3
WHAT = ("services", "delivery-groups")
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


class Stats:
    """Latencies and statuses of every request, by operation, shared by the clients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.conflicts: Counter = Counter()

    def record(self, op: str, seconds: float, status, error: str | None, conflict: bool):
        with self.lock:
            self.latency[op].append(seconds)
            self.statuses[status] += 1
            if error:
                self.errors[f"{op}: {error}"] += 1
            elif conflict:
                self.conflicts[f"{op}: {status}"] += 1


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


def survey(base: str, token: str, log: Path) -> dict:
    """The services, groups and live services the clients will work on."""
    with httpx.Client(base_url=base + API, headers={"Authorization": f"Bearer {token}"}) as http:
        answers = [http.get(f"/{what}", params={"page_size": 200}) for what in WHAT]
    if failed := [a for a in answers if a.status_code != 200]:
        print_server_errors(log)
        sys.exit(f"{failed[0].request.url} answered {failed[0].status_code}")
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


def report(stats: Stats, elapsed: float, args) -> None:
    everything = [v for values in stats.latency.values() for v in values]
    total = len(everything)
    print(f"\n{args.clients} clients, {args.workers} gunicorn workers x {args.threads} threads, "
          f"{elapsed:.1f} s: {total} requests, {total / elapsed:.1f} requests/s\n")  # fmt: skip
    print(f"{'operation':<20}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    rows = sorted(stats.latency.items()) + [("all", everything)]
    for op, values in rows:
        if values:
            p50, p95, p99 = (percentile(values, share) for share in (0.5, 0.95, 0.99))
            print(f"{op:<20}{len(values):>10}{p50:>10.1f}{p95:>10.1f}{p99:>10.1f}")
    statuses = sorted(stats.statuses.items(), key=str)
    print("\nstatuses: " + ", ".join(f"{status}: {count}" for status, count in statuses))
    races = ", ".join(f"{what}: {count}" for what, count in sorted(stats.conflicts.items()))
    print(f"writers' races (expected): {sum(stats.conflicts.values())} ({races or 'none'})")
    errors = sum(stats.errors.values())
    print(f"errors: {errors} (target: 0)")
    for what, count in stats.errors.most_common(15):
        print(f"  {count} x {what}")
    if errors or not total:
        print("TARGET MISSED: errors under load" if errors else "TARGET MISSED: no requests")


def print_server_errors(log: Path) -> None:
    """The last errors gunicorn logged, each with the end of its traceback."""
    print("\nthe server's last errors:")
    marks = ('"ERROR"', '"CRITICAL"', "[ERROR]", "[CRITICAL]")  # OSR's JSON, gunicorn's text
    logged = [line for line in log.read_text().splitlines() if any(m in line for m in marks)]
    for line in logged[-5:]:
        if not line.startswith("{"):
            print(f"- {line[:300]}")
            continue
        entry = json.loads(line)
        trace = entry.get("exception", "").strip().splitlines()[-6:]
        print(f"- {entry.get('message')}\n    " + "\n    ".join(trace))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="more than 1: gthread workers")
    args = parser.parse_args()

    server_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    name = f"osr_load_{os.getpid()}"
    admin = psycopg.connect(f"{server_url}/postgres", autocommit=True)
    server = None
    with tempfile.TemporaryDirectory(prefix="osr-load-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
            env = os.environ | {"DATABASE_URL": f"{server_url}/{name}", "OSR_DATA_DIR": tmp,
                                "OSR_DEBUG": "1", "OSR_LOG_LEVEL": "WARNING"}  # fmt: skip
            print(f"Database {name}: migrating and loading the demo estate…", flush=True)
            osr(env, "migrate", "--verbosity", "0")
            osr(env, "demo")
            osr(env, "users", "create", "bench", "--role", "admin")
            token = osr(env, "token", "create", "bench").strip()
            server, base = start_gunicorn(
                env, log, workers=args.workers, threads=args.threads, timeout=60
            )
            estate = survey(base, token, log)
            print(f"gunicorn on {base}: {len(estate['services'])} services, "
                  f"{args.clients} clients for {args.seconds:g} s…", flush=True)  # fmt: skip

            stats = Stats()
            deadline = time.monotonic() + args.seconds
            clients = [Client(n, base, token, estate, stats, deadline) for n in range(args.clients)]
            threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:  # a request times out after 30 s, a client retries 3 times
                thread.join(timeout=max(0.0, deadline + 120 - time.monotonic()))
            report(stats, time.perf_counter() - started, args)
            if stats.errors:
                print_server_errors(log)
        finally:
            if server is not None:
                stop(server)
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


if __name__ == "__main__":
    main()
