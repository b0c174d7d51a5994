"""Many writers at once on PostgreSQL: every kind of audited write commits or is cleanly
refused, none deadlocks, and the audit chain verifies afterwards."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from osr.catalogue.forms import ComponentForm, ServiceForm
from osr.catalogue.models import Component, Contract, Service
from osr.catalogue.services import delete_object, move_service, save_form
from osr.core.refusals import Refusal
from osr.core.resources import form_data_of
from osr.graph.csv_io import export_csv, import_csv
from osr.readiness.policy import active_policy
from osr.readiness.services import submit_evidence
from osr.reviews.services import reschedule_board

from ..factories import ComponentFactory, ContractFactory, ServiceFactory
from ..reviews.factories import AgendaItemFactory, ReviewBoardFactory

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="SQLite serialises writing transactions, so its writers cannot deadlock; "
        "this runs in CI's PostgreSQL pass (DATABASE_URL set)",
    ),
    pytest.mark.django_db(transaction=True),
]

WRITERS, ROUNDS, SERVICES = 6, 3, 4


def sheet_changing(services: list[str], mark: str) -> str:
    """The exported catalogue with each service's description and component's support
    group changed,
    services and components in the order given (so that imports lock them in different
    orders)."""
    rows = list(csv.DictReader(io.StringIO(export_csv())))
    wanted = [row for row in rows if row["record"] in ("service", "component")]
    order = {slug: n for n, slug in enumerate(services)}
    wanted.sort(key=lambda row: (row["record"], order.get(row["slug"] or row["service"], 99)))
    for row in wanted:
        column = "description" if row["record"] == "service" else "support_group"
        row[column] = f"{row[column].split(' #')[0]} #{mark}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(wanted)
    return out.getvalue()


@pytest.fixture
def estate(users):
    services = [
        ServiceFactory(slug=f"s{n}", name=f"Service {n}", delivery_group=users.own)
        for n in range(SERVICES)
    ]
    components = [ComponentFactory(service=s, name=f"Database {s.slug}") for s in services]
    contract = ContractFactory(reference="C-1")
    board = ReviewBoardFactory(
        delivery_group=users.own, starts_at=timezone.now() + dt.timedelta(days=30)
    )
    for service in services:
        AgendaItemFactory(board=board, service=service)
    return services, components, contract, board


def test_concurrent_writers_of_every_kind_never_deadlock(users, estate):
    services, components, contract, board = estate
    requirement = active_policy().requirements[0]
    today = timezone.localdate()
    failures: list[str] = []
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def save_service(n, mark):
        service = Service.objects.get(pk=services[n].pk)
        data = form_data_of(ServiceForm, service) | {"description": f"saved {mark}"}
        form = ServiceForm(data=data, instance=service, user=users.admin)
        assert form.is_valid(), form.errors
        save_form(form, by=users.admin)

    def save_component(n, mark):
        component = Component.objects.get(pk=components[n].pk)
        data = form_data_of(ComponentForm, component) | {"support_group": f"saved {mark}"}
        form = ComponentForm(data=data, instance=component, user=users.admin)
        assert form.is_valid(), form.errors
        save_form(form, by=users.admin)

    def move(n, mark):
        service = Service.objects.get(pk=services[n].pk)
        phase = "alpha" if service.phase == "discovery" else "discovery"
        move_service(service, phase, by=users.admin, reason=f"moved {mark}", force=True)

    def submit(n, mark):
        service = Service.objects.get(pk=services[n].pk)
        data = {"attestation": f"submitted {mark}"}
        submit_evidence(service, requirement, data=data, file_kind=None, by=users.delivery)

    def reschedule(n, mark):
        when = timezone.now() + dt.timedelta(days=30, hours=int(mark.split("-")[-1]) % 48)
        reschedule_board(
            type(board).objects.get(pk=board.pk),
            starts_at=when.replace(minute=0, second=0, microsecond=0),
            place=f"Room {mark}",
            call_link="",
            reason="Moved",
            by=users.osr_manager,
            today=today,
        )

    def members(n, mark):
        with transaction.atomic():
            chosen = Contract.objects.get(pk=contract.pk)
            chosen.components.add(components[n], components[(n + 1) % SERVICES])
            chosen.components.remove(components[(n + 2) % SERVICES])

    def delete(n, mark):
        doomed = ComponentFactory(service=services[n], name=f"Doomed {mark}")
        delete_object(doomed, by=users.admin)

    def bulk_import(n, mark):
        slugs = [s.slug for s in services]
        order = slugs[n:] + slugs[:n]
        result = import_csv(sheet_changing(order, mark), by=users.admin, apply=True)
        assert result.applied, [str(p) for p in result.problems]

    kinds = [save_service, save_component, move, submit, reschedule, members, delete, bulk_import]

    def writer(number: int) -> None:
        try:
            for round_ in range(ROUNDS):
                # Each writer runs the kinds in its own order, on its own service first.
                start = (number * 3 + round_) % len(kinds)
                for step, kind in enumerate(
                    itertools.islice(itertools.cycle(kinds), start, start + len(kinds))
                ):
                    mark = f"{number}-{round_}-{step}"
                    try:
                        kind((number + step) % SERVICES, mark)
                    except Refusal:  # a phase move refused is one too
                        outcome = "refused"
                    except Exception as error:  # a deadlock, or anything else unclean
                        with lock:
                            failures.append(f"{kind.__name__}: {type(error).__name__}: {error}")
                        continue
                    else:
                        outcome = "committed"
                    with lock:
                        outcomes[f"{kind.__name__} {outcome}"] += 1
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads)

    assert failures == [], sorted(set(failures))[:10]
    for kind in kinds:
        assert outcomes[f"{kind.__name__} committed"] > 0, outcomes
    out = io.StringIO()
    call_command("audit", "verify", "--no-anchor", stdout=out)
    assert out.getvalue().startswith("Audit trail intact: ")
