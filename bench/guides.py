"""Benchmark of the service operations guide: one large guide in every format, and a bulk export.

It builds its estate in a temporary SQLite database of its own, then reports,
each figure beside its goal:

- for a service with 20 components and 50 dependencies, the wall-clock time to
  assemble its guide from the database and render it, as a person asking for a
  download waits for it, in HTML, DOCX, Markdown and PDF (the median of several
  runs; goals HTML and Markdown < 200 ms, DOCX < 500 ms, PDF < 2 s). The CPU time
  and the machine's load average are shown beside it, as a shared machine
  inflates wall time;
- a bulk export of the approved guides of 100 live services in DOCX, Markdown
  and PDF (the same ``write_zip`` the background task runs, with its progress
  written to an export record): its wall-clock time a guide, then its peak memory
  traced by tracemalloc beside the same export of a tenth as many guides. The
  peak must not grow with the number of guides (at most 1.5 times the peak for
  the tenth); what does grow is the zip's central directory, about 400 bytes an
  entry. A PDF costs about a second of CPU, so 1,000 guides (``--guides 1000``)
  take the best part of an hour on a shared 2-core machine.

A missed goal is printed as a ``TARGET MISSED`` line and the exit status is 1.
Run it from the project's root:

    OSR_DEBUG=1 .venv/bin/python bench/guides.py [--guides 100] [--formats docx,md,pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGETS_MS = {"html": 200, "docx": 500, "md": 200, "pdf": 2000}
REPEATS = 5
BATCH = 200
MEMORY_GROWTH_LIMIT = 1.5


def configure(tmp: Path) -> None:
    os.environ.setdefault("OSR_DEBUG", "1")
    os.environ["OSR_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "osr.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Keeping every query's text (as debug mode does) would itself grow with the export.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


PROFILE = {
    "business_processes": "Paying farmers\nChecking claims",
    "environment_urls": "Production: https://service.example.gov.uk",
    "outage_impact": "Claims stop; farmers are paid late",
    "support_tiers": "First line: service desk\nSecond line: the team",
    "out_of_hours_cover": "On-call engineer",
    "on_call": "Weekly rota",
    "availability_target": "99.9",
    "slos": "99% of requests within 2 seconds",
    "measured_how": "Synthetic checks",
    "health_checks": "/health",
    "alerting": "Paging the on-call engineer",
    "severities": "P1: down\nP2: degraded\nP3: minor",
    "escalation_path": "On-call, then the live services manager",
    "communications": "Status page within 15 minutes",
    "release_frequency": "Weekly",
    "known_errors": "None known",
    "rto": dt.timedelta(hours=4),
    "rpo": dt.timedelta(minutes=15),
    "disaster_definition": "Loss of the production region",
    "recovery_invoked_by": "The live services manager",
    "recovery_steps": "Fail over the database\nRedeploy",
    "backup_arrangements": "Nightly snapshots",
    "last_dr_test": dt.date(2026, 1, 20),
    "load_tested_to": "2,000 requests a minute",
    "scaling": "Horizontally",
    "access_arrangements": "Privileged access management",
    "last_penetration_test": dt.date(2025, 11, 3),
    "personal_data_held": "Names and addresses",
    "dpia_status": "completed",
    "knowledge_transfer": "Walk-through with the service desk",
    "early_life_support": "Six weeks",
}


def make_group():
    from django.contrib.auth.models import User

    from osr.catalogue.models import DeliveryGroup, Person, Supplier, Team
    from osr.core.roles import assign_role

    user = User.objects.create_user("delivery")
    assign_role(user, "delivery")
    osr, lsm = (Person.objects.create(name=n, email=f"{n}@defra.example") for n in ("osr", "lsm"))
    group = DeliveryGroup.objects.create(
        name="Farming", slug="farming", osr_manager=osr, live_services_manager=lsm
    )
    team = Team.objects.create(name="Pay team", slug="pay-team", delivery_group=group)
    supplier = Supplier.objects.create(name="Hosting Ltd", slug="hosting")
    return user, group, team, supplier


def make_services(start: int, count: int, group, team, supplier, *, phase="live"):
    """Services with a full profile, two components each and a contract, in bulk."""
    from osr.catalogue.models import Component, Contract, Person, Service
    from osr.guides.models import OperationsProfile

    owner = Person.objects.get_or_create(name="Owner", email="owner@defra.example")[0]
    made = Service.objects.bulk_create(
        Service(
            name=f"Service {n:05d}",
            slug=f"service-{n:05d}",
            delivery_group=group,
            delivery_team=team,
            phase=phase,
            description="Pays farmers",
            user_needs_summary="Farmers need paying",
            technical_solution_summary="A web app on CDP",
            support_contact_email="support@defra.example",
            service_owner=owner,
            data_owner=owner,
            dashboard_urls=["https://grafana.example/x"],
            runbook_urls=["https://runbooks.example/x"],
            myit_record_url="https://myit.example/x",
        )
        for n in range(start, start + count)
    )
    OperationsProfile.objects.bulk_create(OperationsProfile(service=s, **PROFILE) for s in made)
    components = Component.objects.bulk_create(
        Component(service=s, name=f"Part {k}", kind="api", hosting="cdp", supplier=supplier)
        for s in made
        for k in range(2)
    )
    contract = Contract.objects.create(
        supplier=supplier,
        reference=f"CON-{start}",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2030, 1, 1),
    )
    contract.components.add(*components)
    return made


def make_large_service(group, team, supplier):
    """A service with 20 components and 50 dependencies, depended on by 10 others."""
    from osr.catalogue.models import Component, Dependency, ExternalSystem

    (service,) = make_services(900_000, 1, group, team, supplier, phase="public_beta")
    Component.objects.bulk_create(
        Component(
            service=service,
            name=f"Component {k:02d}",
            kind="web_application",
            hosting="azure",
            supplier=supplier,
            support_group="Platform support",
            runbook_url=f"https://runbooks.example/component-{k}",
            monitoring_url=f"https://grafana.example/component-{k}",
        )
        for k in range(18)
    )
    others = make_services(910_000, 40, group, team, supplier)
    externals = ExternalSystem.objects.bulk_create(
        ExternalSystem(name=f"External {k:02d}", slug=f"external-{k}") for k in range(20)
    )
    Dependency.objects.bulk_create(
        [
            Dependency(
                from_service=service,
                to_service=other,
                kind="runtime_api",
                carries_live_data=k % 3 == 0,
                description=f"Claims stop if {other.name} is unavailable",
            )
            for k, other in enumerate(others[:30])
        ]
        + [
            Dependency(
                from_service=service,
                to_external=external,
                kind="data_feed",
                description="Payments queue until it returns",
            )
            for external in externals
        ]
        + [Dependency(from_service=other, to_service=service) for other in others[30:]]
    )
    return service


def approve_all(services, user, today) -> None:
    """An approved version for each service, assembled in batches as generation would."""
    from django.utils import timezone

    from osr.guides.assembly import assemble_many
    from osr.guides.models import GuideVersion

    now = timezone.now()
    for index in range(0, len(services), BATCH):
        chunk = services[index : index + BATCH]
        guides = assemble_many([s.pk for s in chunk], today=today)
        GuideVersion.objects.bulk_create(
            GuideVersion(
                service=service,
                number=1,
                data=guides[service.pk].to_dict(),
                fingerprint=guides[service.pk].fingerprint(),
                complete=guides[service.pk].complete,
                generated_by=user,
                osr_manager_approver="osr",
                osr_manager_approved_at=now,
                live_services_manager_approver="lsm",
                live_services_manager_approved_at=now,
                approved_at=now,
            )
            for service in chunk
        )


def timed(call, repeats: int = REPEATS) -> tuple[float, float]:
    """The median wall time and the median CPU time of ``call``, in milliseconds."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, used = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def bench_rendering(service, today) -> list[str]:
    """Assembly from the database and rendering, together, in each format."""
    from osr.guides.assembly import assemble
    from osr.guides.rendering import render

    missed = []
    guide = assemble(service, today=today)
    components = len(guide.section(4).tables[0].rows)
    dependencies = len(guide.section(5).tables[0].rows)
    print(f"One guide: {components} components, {dependencies} dependencies")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    render(guide, "pdf")  # the first PDF loads fonts once per process
    wall, cpu = timed(lambda: assemble(service, today=today))
    print(f"  assembly alone    wall {wall:7.1f} ms   CPU {cpu:7.1f} ms")
    for fmt, target in TARGETS_MS.items():
        wall, cpu = timed(lambda fmt=fmt: render(assemble(service, today=today), fmt))
        size = len(render(guide, fmt))
        print(
            f"  assembly + {fmt:<5}  wall {wall:7.1f} ms   CPU {cpu:7.1f} ms"
            f"   {size / 1024:5.0f} KiB   goal < {target} ms"
        )
        if wall >= target:
            missed.append(f"TARGET MISSED: {fmt} took {wall:.0f} ms (goal {target} ms)")
    return missed


def bench_export(count: int, formats: list[str], user, *, traced: bool) -> tuple[float, int, int]:
    """Export the first ``count`` live services' guides as the background task does, with
    its progress written to an export record: seconds, peak traced bytes, guides."""
    from osr.guides.export import live_guide_versions, write_zip
    from osr.guides.models import GuideExport

    every = live_guide_versions()
    versions = every.filter(pk__in=list(every.values_list("pk", flat=True)[:count]))
    export = GuideExport.objects.create(formats=formats, requested_by=user)

    def progress(done: int, total: int) -> None:
        if done == total or done % max(1, total // 100) == 0:
            GuideExport.objects.filter(pk=export.pk).update(done=done, total=total)

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as target:
        done = write_zip(target, formats, versions=versions, progress=progress)
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=100)
    parser.add_argument("--formats", default="docx,md,pdf")
    args = parser.parse_args()
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory(prefix="osr-bench-guides-") as tmp:
        configure(Path(tmp))
        from django.utils import timezone

        today = timezone.localdate()
        user, group, team, supplier = make_group()
        print("Building the estate…", flush=True)
        started = time.perf_counter()
        large = make_large_service(group, team, supplier)
        live = make_services(0, args.guides, group, team, supplier)
        approve_all(live, user, today)
        print(
            f"  {args.guides} live services with approved guides in "
            f"{time.perf_counter() - started:.1f} s\n"
        )

        missed = bench_rendering(large, today)

        print(f"\nBulk export ({', '.join(formats)}):")
        seconds, _, done = bench_export(args.guides, formats, user, traced=False)
        print(f"  {done:5d} guides  {seconds:7.1f} s  ({1000 * seconds / done:5.1f} ms a guide)")
        small = max(1, args.guides // 10)
        peaks = {}
        for count in (small, args.guides):
            seconds, peaks[count], done = bench_export(count, formats, user, traced=True)
            print(
                f"  {done:5d} guides, traced by tracemalloc (slower): {seconds:6.1f} s,"
                f" peak {peaks[count] / 2**20:5.1f} MiB"
            )
        growth = peaks[args.guides] / peaks[small]
        extra = (peaks[args.guides] - peaks[small]) / (args.guides - small)
        print(
            f"  peak for {args.guides} / peak for {small}: {growth:.2f}"
            f" (limit {MEMORY_GROWTH_LIMIT}); {extra:.0f} bytes more a guide"
        )
        if growth > MEMORY_GROWTH_LIMIT:
            missed.append(f"TARGET MISSED: export memory grew {growth:.2f} times")
        print()
        for line in missed:
            print(line)
        if missed:
            sys.exit(1)
        print("Every goal met.")


if __name__ == "__main__":
    main()
