"""Benchmark of the MyIT sync against the fake ServiceNow, over real HTTP on 127.0.0.1.

It generates a catalogue (5,000 services by default, each with two components
and some depending on others), starts the fake MyIT in process, and syncs
every service twice, as ``osr myit sync --all`` does:

- the first run creates every record: it prints the time taken, the requests
  sent by method, and the requests per service beside the goal (3 at most:
  each service's writes go in one Batch API call);
- the second run must find MyIT in step and send no write at all (no POST,
  PATCH, PUT or DELETE): a write there is printed as ``TARGET MISSED``;
- a third run, of services added since, meets an hourly rate limit set below
  what it needs: it must pause until the reset, resume, and finish with every
  service synced and no record made twice. The fake's clock is moved on
  instead of waiting the hour.

The fake is the strict one: fields a table lacks are ignored, JSON headers are
required, and requests are counted per hour against the limit.

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


def make_catalogue(
    count: int, fake, rng: random.Random, prefix: str = "Service", people: bool = True
) -> None:
    """People, a delivery group and services with components and dependencies (bulk inserts)."""
    from django.db import transaction

    from osr.catalogue.choices import ComponentKind, Hosting, Phase
    from osr.catalogue.models import Component, DeliveryGroup, Dependency, Person, Service

    with transaction.atomic():
        if people:
            Person.objects.bulk_create(
                Person(name=f"Person {n:03d}", email=f"person.{n}@defra.example")
                for n in range(PEOPLE)
            )
            for person in Person.objects.order_by("pk")[:KNOWN_TO_MYIT]:
                fake.seed("sys_user", name=person.name, email=person.email)
        everyone = list(Person.objects.order_by("pk"))
        group, _ = DeliveryGroup.objects.get_or_create(slug="benchmark", name="Benchmark")
        phases = list(Phase.values)
        services = Service.objects.bulk_create(
            Service(
                name=f"{prefix} {n:05d}",
                slug=f"{prefix.lower()}-{n:05d}",
                description=f"{prefix} number {n}",
                delivery_group=group,
                phase=rng.choice(phases),
                critical=rng.random() < 0.2,
                data_owner=rng.choice(everyone),
                service_owner=rng.choice(everyone),
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


def bench_client(fake, pauses: list[str]):
    """A client whose waits move the fake's clock on, so an hour's pause takes no time."""
    from osr.myit.client import Credentials, MyitClient

    return MyitClient(
        fake.base_url,
        Credentials(username=fake.username, password=fake.password),
        sleep=fake.advance,
        clock=fake.now,
        on_pause=pauses.append,
    )


def sync_all(fake, label: str, chosen=None, pauses=None) -> tuple[float, Counter, list]:
    from osr.catalogue.models import Service
    from osr.myit import services

    chosen = chosen if chosen is not None else list(Service.objects.order_by("name", "pk"))
    pauses = pauses if pauses is not None else []
    before = Counter(fake.requests)
    started = time.perf_counter()
    with bench_client(fake, pauses) as client:
        runs = services.sync_now(chosen, by=None, client=client, progress=_pause_lines(pauses))
    elapsed = time.perf_counter() - started
    sent = Counter(fake.requests)
    sent.subtract(before)
    failed = [r for r in runs if r.status != "succeeded"]
    if failed:
        print(f"{label}: {len(failed)} service(s) failed, first: {failed[0].message}")
    return elapsed, +sent, runs


def _pause_lines(pauses: list[str]):
    def progress(line: str) -> None:
        if "rate limit" in line:
            pauses.append(line)

    return progress


def report(label: str, elapsed: float, sent: Counter, services: int, goal: str = "") -> None:
    total = sum(sent.values())
    by_method = ", ".join(f"{m} {n}" for m, n in sorted(sent.items())) or "none"
    print(
        f"{label}: {elapsed:.1f} s, {total} requests ({by_method}), "
        f"{total / services:.2f} requests per service{goal}, "
        f"{elapsed / services * 1000:.1f} ms a service"
    )


def duplicates(fake) -> int:
    """Records made twice: the same correlation id, or the same group name, more than once."""
    made = 0
    for table in ("cmdb_ci_service_business", "service_offering", "cmdb_ci_service_auto"):
        ids = [r.get("correlation_id") for r in fake.records(table)]
        made += len(ids) - len(set(ids))
    names = [g["name"] for g in fake.records("sys_user_group")]
    made += len(names) - len(set(names))
    pairs = [(r["parent"], r["child"], r["type"]) for r in fake.records("cmdb_rel_ci")]
    return made + len(pairs) - len(set(pairs))


def rate_limited_run(fake, count: int, rng: random.Random) -> None:
    """New services synced under an hourly limit below what they need: pause, resume, finish."""
    from osr.catalogue.models import Service

    existing = set(Service.objects.values_list("pk", flat=True))
    make_catalogue(count, fake, rng, prefix="Later", people=False)
    added = list(Service.objects.exclude(pk__in=existing).order_by("name", "pk"))
    per_hour = max(count // 2, 20)
    fake.rate_limit(per_hour)
    pauses: list[str] = []
    clock = fake.now()
    elapsed, sent, runs = sync_all(fake, "rate-limited run", added, pauses)
    hours = (fake.now() - clock) / 3600
    report(f"Rate-limited run ({per_hour} requests an hour)", elapsed, sent, count)
    synced = sum(1 for r in runs if r.status == "succeeded")
    made_twice = duplicates(fake)
    print(
        f"  paused {len(pauses)} time(s), {hours:.1f} h on MyIT's clock; "
        f"{synced}/{count} services synced; {made_twice} records made twice"
    )
    if pauses:
        print(f"  progress said: {pauses[0]}")
    if synced != count or made_twice or not pauses:
        print("TARGET MISSED: the rate-limited run did not finish cleanly after the reset")
    fake.rate_limit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--limited", type=int, default=200, help="services in the rate-limited run")
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
        report("First run (creates everything)", elapsed, sent, args.services, " (goal <= 3)")
        if sum(sent.values()) / args.services > 3:
            print("TARGET MISSED: the first run sent more than 3 requests a service")
        records = sum(len(t.rows) for t in fake.tables.values())
        print(f"MyIT now holds {records} records")

        elapsed, sent, runs = sync_all(fake, "second run")
        report("Second run (already in step)", elapsed, sent, args.services, " (goal: no writes)")
        writes = sum(sent[m] for m in WRITES)
        changed = sum(1 for r in runs if r.differences)
        if writes or changed:
            print(f"TARGET MISSED: the second run sent {writes} writes ({changed} services)")
        else:
            print("Second run sent no writes")
        rate_limited_run(fake, args.limited, rng)
    fake.stop()


if __name__ == "__main__":
    main()
