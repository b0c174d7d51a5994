"""Benchmark of the MyIT sync against the fake ServiceNow, over real HTTP on 127.0.0.1.

It generates a catalogue (5,000 services by default, each with two components
and some depending on others), starts the fake MyIT in process, and syncs
every service twice, as ``osr myit sync --all`` does:

- the first run creates every record: it prints the time taken, the requests
  sent by method, and the requests per service;
- the second run must find MyIT in step and send no write at all (no POST,
  PATCH, PUT or DELETE): a write there is printed as ``TARGET MISSED``.

Run it from the project's root, in a temporary SQLite database of its own:

    OSR_DEBUG=1 .venv/bin/python bench/myit.py [--services 5000]

The exit status is 0 either way: the benchmark reports and does not gate.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PEOPLE = 400
KNOWN_TO_MYIT = 300  # people MyIT has a user for; the others are left out of records
QUEUES = [f"Platform queue {n}" for n in range(12)]
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def configure(tmp: Path, fake_url: str, fake) -> None:
    os.environ.setdefault("OSR_DEBUG", "1")
    os.environ["OSR_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["OSR_MYIT_URL"] = fake_url
    os.environ["OSR_MYIT_USERNAME"] = fake.username
    os.environ["OSR_MYIT_PASSWORD"] = fake.password
    os.environ["OSR_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osr.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_catalogue(count: int, fake, rng: random.Random) -> None:
    """People, a delivery group and services with components and dependencies (bulk inserts)."""
    from django.db import transaction

    from osr.catalogue.choices import ComponentKind, Hosting, Phase
    from osr.catalogue.models import Component, DeliveryGroup, Dependency, Person, Service

    with transaction.atomic():
        people = Person.objects.bulk_create(
            Person(name=f"Person {n:03d}", email=f"person.{n}@defra.example") for n in range(PEOPLE)
        )
        for person in people[:KNOWN_TO_MYIT]:
            fake.seed("sys_user", name=person.name, email=person.email)
        group = DeliveryGroup.objects.create(name="Benchmark", slug="benchmark")
        phases = list(Phase.values)
        services = Service.objects.bulk_create(
            Service(
                name=f"Service {n:05d}",
                slug=f"service-{n:05d}",
                description=f"Service number {n}",
                delivery_group=group,
                phase=rng.choice(phases),
                critical=rng.random() < 0.2,
                data_owner=rng.choice(people),
                service_owner=rng.choice(people),
                support_contact_email=f"support.{n}@defra.example",
            )
            for n in range(count)
        )
        Component.objects.bulk_create(
            Component(
                service=s,
                name=f"{s.name} {part}",
                kind=ComponentKind.WEB_APPLICATION if part == "web" else ComponentKind.DATABASE,
                hosting=Hosting.CDP,
                support_group=rng.choice(QUEUES) if part == "web" else "",
            )
            for s in services
            for part in ("web", "database")
        )
        # Some services depend on one of a few shared ones, as many do on a platform.
        shared = services[:50]
        Dependency.objects.bulk_create(
            Dependency(from_service=s, to_service=rng.choice([o for o in shared if o != s]))
            for s in services
            if rng.random() < 0.3
        )


def sync_all(fake, label: str) -> tuple[float, Counter, list]:
    from osr.catalogue.models import Service
    from osr.myit import services

    before = Counter(fake.requests)
    started = time.perf_counter()
    runs = services.sync_now(list(Service.objects.order_by("name", "pk")), by=None)
    elapsed = time.perf_counter() - started
    sent = Counter(fake.requests)
    sent.subtract(before)
    failed = [r for r in runs if r.status != "succeeded"]
    if failed:
        print(f"{label}: {len(failed)} service(s) failed, first: {failed[0].message}")
    return elapsed, +sent, runs


def report(label: str, elapsed: float, sent: Counter, services: int) -> None:
    total = sum(sent.values())
    by_method = ", ".join(f"{m} {n}" for m, n in sorted(sent.items())) or "none"
    print(
        f"{label}: {elapsed:.1f} s, {total} requests ({by_method}), "
        f"{total / services:.2f} requests per service, {elapsed / services * 1000:.1f} ms a service"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    args = parser.parse_args()

    from osr.myit.fake import FakeServiceNow

    fake = FakeServiceNow()
    url = fake.start()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="osr-bench-myit-") as tmp:
        configure(Path(tmp), url, fake)
        make_catalogue(args.services, fake, rng)
        print(f"Syncing {args.services} services to the fake MyIT at {url}")

        elapsed, sent, _ = sync_all(fake, "first run")
        report("First run (creates everything)", elapsed, sent, args.services)
        records = sum(len(t.rows) for t in fake.tables.values())
        print(f"MyIT now holds {records} records")

        elapsed, sent, runs = sync_all(fake, "second run")
        report("Second run (already in step)", elapsed, sent, args.services)
        writes = sum(sent[m] for m in WRITES)
        changed = sum(1 for r in runs if r.differences)
        if writes or changed:
            print(f"TARGET MISSED: the second run sent {writes} writes ({changed} services)")
        else:
            print("Second run sent no writes")
    fake.stop()


if __name__ == "__main__":
    main()
