"""Benchmark of the readiness portfolio over HTTP: 10,000 services with 10 evidence records each.

It builds the portfolio in a database of its own (as ``bench/catalogue.py`` does:
a temporary SQLite database, or a test database beside ``BENCH_DATABASE_URL``),
stores every service's readiness (``osr readiness refresh``), then serves OSR with
gunicorn as in production and times, over HTTP as a browser and an API client
call them:

- the portfolio page, ``/readiness``, unfiltered and showing the blocked services;
- ``GET /api/v1/readiness?page_size=50``, unfiltered and for one phase.

For each it prints p50 and p95 in milliseconds beside the goal (p95 under 300 ms),
and the queries one request runs (counted in process) with the full portfolio and
with a portfolio of 30 services: they must be equal. It also prints how long
storing every service's readiness took, which a policy change costs once.
A missed goal is printed as a ``TARGET MISSED`` line; the exit status is 0 either
way, as the benchmark reports and does not gate. Run it from the project's root:

    OSR_DEBUG=1 .venv/bin/python bench/readiness.py [--services 10000] [--evidence 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from catalogue import configure, database_url
from serving import start_gunicorn, stop

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SMALL = 30
GROUPS = 8
SUPPLIERS = 60
PASSWORD = "bench-readiness-password"
TARGET_P95_MS = 300.0
WARM_UP = 5
PHASES = dict(discovery=10, alpha=15, private_beta=15, public_beta=15, live=40, retired=5)
SCENARIOS = [
    ("page /readiness", "/readiness", {}),
    ("page /readiness?show=blocked", "/readiness", {"show": "blocked"}),
    ("GET /api/v1/readiness", "/api/v1/readiness", {"page_size": 50}),
    ("GET /api/v1/readiness?phase=live", "/api/v1/readiness", {"page_size": 50, "phase": "live"}),
]


def make_estate():
    """Delivery groups with their managers, suppliers, and a signed-in OSR manager."""
    from django.contrib.auth.models import User

    from osr.catalogue.models import DeliveryGroup, Person, Supplier
    from osr.core.roles import assign_role

    user = User.objects.create_user("osr-manager", "osr.manager@defra.example", PASSWORD)
    assign_role(user, "osr_manager")
    manager = Person.objects.create(name="OSR manager", email=user.email, user=user)
    people = Person.objects.bulk_create(Person(name=f"Person {n}") for n in range(50))
    groups = DeliveryGroup.objects.bulk_create(
        DeliveryGroup(
            name=f"Group {n}",
            slug=f"group-{n}",
            osr_manager=manager if n == 0 else people[n],
            live_services_manager=people[-n - 1] if n % 3 else None,
        )
        for n in range(GROUPS)
    )
    suppliers = Supplier.objects.bulk_create(
        Supplier(name=f"Supplier {n}", slug=f"supplier-{n}") for n in range(SUPPLIERS)
    )
    return user, groups, people, suppliers


def make_services(start: int, count: int, evidence_each: int, estate, rng: random.Random):
    """Services with phase history, components, contracts, evidence and waivers, in bulk."""
    from django.utils import timezone

    from osr.catalogue.models import Component, Contract, PhaseChange, Service
    from osr.readiness.models import Evidence, Waiver
    from osr.readiness.policy import active_policy

    _user, groups, people, suppliers = estate
    today = timezone.localdate()
    now = timezone.now()
    ids = [r.id for r in active_policy().requirements]
    phases = rng.choices(list(PHASES), weights=list(PHASES.values()), k=count)
    services = Service.objects.bulk_create(
        Service(
            name=f"Service {n:05d}",
            slug=f"service-{n:05d}",
            delivery_group=groups[n % len(groups)],
            phase=phase,
            phase_since=today - dt.timedelta(days=rng.randint(1, 400)),
            critical=n % 7 == 0,
            uses_live_data=n % 3 == 0,
            live_data_since=today - dt.timedelta(days=rng.randint(0, 60)) if n % 3 == 0 else None,
            support_contact_email="support@defra.example" if n % 5 else "",
            data_owner=people[n % len(people)] if n % 4 else None,
        )
        for n, phase in zip(range(start, start + count), phases, strict=True)
    )
    PhaseChange.objects.bulk_create(
        PhaseChange(
            service=s,
            from_phase="alpha",
            to_phase=s.phase,
            changed_at=now - dt.timedelta(days=rng.randint(1, 400)),
        )
        for s in services
    )
    components = Component.objects.bulk_create(
        Component(
            service=s,
            name="Web",
            kind="web_application",
            hosting="cdp",
            supplier=suppliers[i % len(suppliers)] if i % 2 else None,
        )
        for i, s in enumerate(services)
    )
    supplied = [c for c in components if c.supplier_id]
    contracts = Contract.objects.bulk_create(
        Contract(
            supplier_id=c.supplier_id,
            reference=f"CON-{start}-{i}",
            start_date=today - dt.timedelta(days=700),
            end_date=today + dt.timedelta(days=rng.choice([-30, 365])),
        )
        for i, c in enumerate(supplied)
    )
    Contract.components.through.objects.bulk_create(
        Contract.components.through(contract_id=k.pk, component_id=c.pk)
        for k, c in zip(contracts, supplied, strict=True)
    )
    statuses = ["submitted", "verified", "verified", "rejected"]
    Evidence.objects.bulk_create(
        (
            Evidence(
                service=s,
                requirement_id=rng.choice(ids),
                status=(status := rng.choice(statuses)),
                attestation="Evidence",
                submitted_at=now - dt.timedelta(days=rng.randint(1, 500)),
                reviewed_at=now if status != "submitted" else None,
                review_note="Not enough" if status == "rejected" else "",
                pack_version="1",
                pack_date=today - dt.timedelta(days=rng.randint(1, 500)),
                policy_version="2026.1",
            )
            for s in services
            for _ in range(evidence_each)
        ),
        batch_size=5000,
    )
    Waiver.objects.bulk_create(
        Waiver(service=s, requirement_id="AS-5", reason="Central", policy_version="2026.1")
        for s in services[::5]
    )


def count_queries(clients, label: str, path: str, params: dict) -> int:
    """The queries one request runs, counted in process (with the results stored)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = clients["api" if path.startswith("/api/") else "page"]
    client.get(path, params)  # a token's use and a session's touch are recorded once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, (label, response.status_code)
    return len(captured)


def signed_in(base: str) -> httpx.Client:
    """A browser's session: the sign-in form submitted, as a person does."""
    http = httpx.Client(base_url=base, timeout=60)
    form = http.get("/sign-in")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if token is None:
        sys.exit(f"No sign-in form at {base}/sign-in ({form.status_code})")
    answer = http.post(
        "/sign-in",
        data={"username": "osr-manager", "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
    )
    if answer.status_code not in (200, 302) or "sessionid" not in http.cookies:
        sys.exit(f"Signing in failed: {answer.status_code}")
    return http


def timings(http: httpx.Client, path: str, params: dict, requests: int) -> list[float]:
    """Milliseconds each of ``requests`` requests over HTTP took, after a warm-up."""
    for _ in range(WARM_UP):
        http.get(path, params=params).raise_for_status()
    taken = []
    for _ in range(requests):
        began = time.perf_counter()
        response = http.get(path, params=params)
        taken.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            sys.exit(f"GET {path} {params} answered {response.status_code}")
    return taken


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--evidence", type=int, default=10, help="evidence records per service")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per row (100)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="osr-bench-") as tmp:
        database, cleanup = configure(Path(tmp))
        try:
            run(options, random.Random(2026), database)
        finally:
            cleanup()


def run(options, rng: random.Random, database: str) -> None:
    """Build the portfolio, store its readiness, measure each request, print the report."""
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from osr.core.models import ApiToken
    from osr.readiness.models import Evidence
    from osr.readiness.results import refresh_all

    estate = make_estate()
    user = estate[0]
    page = Client()
    page.force_login(user)
    clients = {
        "page": page,
        "api": Client(headers={"Authorization": f"Bearer {ApiToken.issue(user)}"}),
    }

    make_services(0, SMALL, options.evidence, estate, rng)
    refresh_all(today=timezone.localdate())
    small = [count_queries(clients, *scenario) for scenario in SCENARIOS]
    began = time.perf_counter()
    make_services(SMALL, options.services - SMALL, options.evidence, estate, rng)
    built = time.perf_counter() - began
    began = time.perf_counter()
    stored = refresh_all(today=timezone.localdate())
    refreshed = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a long-lived database has
    large = [count_queries(clients, *scenario) for scenario in SCENARIOS]
    evidence = Evidence.objects.count()

    # The server reads the same database: the benchmark's writes are committed.
    env = dict(os.environ, DATABASE_URL=database_url(connection.settings_dict))
    server, base = start_gunicorn(env, Path(os.environ["OSR_DATA_DIR"]) / "gunicorn.log")
    try:
        browser = signed_in(base)
        token = ApiToken.issue(user)
        api = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
        try:
            rows = [
                (label, timings(api if path.startswith("/api/") else browser, path, params, n))
                for label, path, params in SCENARIOS
                for n in [options.requests]
            ]
        finally:
            browser.close()
            api.close()
    finally:
        stop(server)

    print(
        f"Portfolio: {stored:,} services, {evidence:,} evidence records on {database} "
        f"(built in {built:.1f} s; every result stored in {refreshed:.1f} s)"
    )
    print(
        f"Over HTTP (gunicorn, 1 worker), {options.requests} requests a row after {WARM_UP} "
        f"warm-up; goal p95 < {TARGET_P95_MS:.0f} ms\n"
    )
    big, few = f"queries ({stored:,})", f"queries ({SMALL})"
    print(f"{'request':<36}{'p50 ms':>9}{'p95 ms':>9}{'goal ms':>9}{big:>18}{few:>14}")
    missed = []
    for (label, taken), queries, small_queries in zip(rows, large, small, strict=True):
        p50, p95_ = statistics.median(taken), p95(taken)
        print(
            f"{label:<36}{p50:>9.1f}{p95_:>9.1f}{'< ' + str(int(TARGET_P95_MS)):>9}"
            f"{queries:>18}{small_queries:>14}"
        )
        if p95_ >= TARGET_P95_MS:
            missed.append(
                f"TARGET MISSED: {label}: p95 {p95_:.1f} ms, not under {TARGET_P95_MS:.0f} ms"
            )
        if queries != small_queries:
            missed.append(
                f"TARGET MISSED: {label}: {queries} queries with {stored:,} services, "
                f"{small_queries} with {SMALL}"
            )
    print()
    for line in missed:
        print(line)
    if not missed:
        print(
            f"Goals hold: p95 under {TARGET_P95_MS:.0f} ms, and the same query count with "
            f"{stored:,} services as with {SMALL}."
        )


if __name__ == "__main__":
    main()
