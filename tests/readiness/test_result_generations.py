"""A stored result is never overwritten by an evaluation loaded before a later change."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.catalogue.models import Service
from osr.readiness import result_store, results
from osr.readiness.changes import results_changed
from osr.readiness.models import ReadinessResult
from osr.readiness.results import current_evaluation, ensure_current, refresh_ids
from osr.readiness.tasks import refresh_results

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def moved_to_private_beta(service: Service):
    """A writer's change, as committed between a reader's load and its store."""

    def change() -> None:
        Service.objects.filter(pk=service.pk).update(phase="private_beta")
        results_changed([service.pk])

    return change


def changed_while_loading(monkeypatch, change) -> None:
    """The next evaluation loads its inputs, then ``change`` commits, then it stores."""
    real = results.load

    def loading(services):
        loaded = real(services)
        monkeypatch.setattr(results, "load", real)  # the race happens once
        change()
        return loaded

    monkeypatch.setattr(results, "load", loading)


@pytest.fixture
def stored_stale(users) -> Service:
    """A service in discovery whose stored result a change has marked stale."""
    service = ServiceFactory(delivery_group=users.own, phase="discovery")
    refresh_ids([service.pk], today=today())
    results_changed([service.pk])
    return service


def read_afresh(service: Service) -> Service:
    """The service as a request reads it, its stored row not yet asked for."""
    return Service.objects.get(pk=service.pk)


def row(service: Service) -> ReadinessResult:
    return ReadinessResult.objects.get(service=service)


@pytest.mark.django_db(transaction=True)
def test_a_change_raises_the_generation_even_of_a_row_already_stale(stored_stale):
    assert row(stored_stale).generation == 1
    results_changed([stored_stale.pk])  # a transaction of its own, after the fixture's
    assert row(stored_stale).stale and row(stored_stale).generation == 2


def marks(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith('UPDATE "readiness_readinessresult"')]


def test_a_transaction_marks_a_row_once_for_its_changes_until_an_evaluation_loads(users):
    """Its changes commit together: one rise of the generation stops any evaluation
    loaded before them from being stored. One loaded after the first change, inside the
    transaction, must not be stored over the next: that one marks the row again."""
    service = ServiceFactory(delivery_group=users.own, phase="discovery")
    refresh_ids([service.pk], today=today())
    with CaptureQueriesContext(connection) as captured:
        results_changed([service.pk])
        results_changed([service.pk])
    assert len(marks(captured)) == 1
    assert row(service).stale and row(service).generation == 1
    current_evaluation(read_afresh(service), today=today())  # loads, and stores
    with CaptureQueriesContext(connection) as captured:
        results_changed([service.pk])
    assert len(marks(captured)) == 1
    assert row(service).stale


def test_a_new_service_has_no_row_to_mark(users):
    with CaptureQueriesContext(connection) as captured:
        service = ServiceFactory(delivery_group=users.own, phase="discovery")
    assert marks(captured) == []
    assert not ReadinessResult.objects.filter(service=service).exists()
    assert current_evaluation(read_afresh(service), today=today()).requirements


def test_a_normal_refresh_stores_and_keeps_the_generation(stored_stale):
    assert ensure_current(Service.objects.all(), today=today()) == 1
    stored = row(stored_stale)
    assert not stored.stale and stored.generation == 1 and stored.phase == "discovery"


def test_a_readers_evaluation_loaded_before_a_change_leaves_the_row_stale(
    stored_stale, monkeypatch
):
    changed_while_loading(monkeypatch, moved_to_private_beta(stored_stale))
    ensure_current(Service.objects.all(), today=today())
    # The older evaluation (still in discovery) was not stored as current.
    stored = row(stored_stale)
    assert stored.stale and stored.generation == 2
    # The next reader evaluates the changed state, and that is stored.
    assert ensure_current(Service.objects.all(), today=today()) == 1
    stored = row(stored_stale)
    assert not stored.stale and stored.phase == "private_beta" and not stored.ready


def test_one_service_read_during_a_change_is_answered_but_not_stored(stored_stale, monkeypatch):
    changed_while_loading(monkeypatch, moved_to_private_beta(stored_stale))
    # The reader answers with what it evaluated, as a read just before the change would.
    assert current_evaluation(read_afresh(stored_stale), today=today()).phase == "discovery"
    assert row(stored_stale).stale
    # Read again, the service is evaluated as it now is.
    assert current_evaluation(read_afresh(stored_stale), today=today()).phase == "private_beta"
    assert not row(stored_stale).stale and row(stored_stale).phase == "private_beta"


def test_a_service_read_with_its_row_during_a_change_leaves_the_row_stale(
    stored_stale, monkeypatch
):
    service = Service.objects.select_related("readiness_result").get(pk=stored_stale.pk)
    changed_while_loading(monkeypatch, moved_to_private_beta(stored_stale))
    assert current_evaluation(service, today=today()).phase == "discovery"
    assert row(stored_stale).stale and row(stored_stale).phase == "discovery"
    service = Service.objects.select_related("readiness_result").get(pk=stored_stale.pk)
    assert current_evaluation(service, today=today()).phase == "private_beta"
    assert not row(stored_stale).stale


def test_a_missing_result_is_stored_by_its_first_reader(users):
    service = ServiceFactory(delivery_group=users.own, phase="discovery")
    ReadinessResult.objects.all().delete()
    assert current_evaluation(service, today=today()).phase == "discovery"
    stored = row(service)
    assert not stored.stale and stored.generation == 0


def test_the_worker_stores_a_stale_result(stored_stale):
    assert refresh_results.call([stored_stale.pk]) == {"refreshed": 1}
    assert not row(stored_stale).stale


def test_the_worker_racing_a_change_leaves_it_for_the_next_run(stored_stale, monkeypatch):
    changed_while_loading(monkeypatch, moved_to_private_beta(stored_stale))
    refresh_results.call([stored_stale.pk])
    assert row(stored_stale).stale
    # The change's own task, run after it commits, stores the changed state.
    refresh_results.call([stored_stale.pk])
    stored = row(stored_stale)
    assert not stored.stale and stored.phase == "private_beta"


def test_the_whole_estate_refreshed_during_a_change_skips_only_the_changed_row(users, monkeypatch):
    services = [ServiceFactory(delivery_group=users.own, phase="discovery") for _ in range(3)]
    refresh_ids([s.pk for s in services], today=today())
    changed_while_loading(monkeypatch, moved_to_private_beta(services[1]))
    results.refresh_all(today=today())
    assert [row(s).stale for s in services] == [False, True, False]


def stored_rows(users, count: int) -> list[ReadinessResult]:
    services = [ServiceFactory(delivery_group=users.own) for _ in range(count)]
    refresh_ids([s.pk for s in services], today=today())
    return list(ReadinessResult.objects.order_by("service_id"))


def inserts(captured: CaptureQueriesContext) -> int:
    return sum(q["sql"].lstrip().upper().startswith("INSERT") for q in captured)


@pytest.mark.parametrize("count", [3, 30])
def test_results_are_stored_in_one_statement_at_two_sizes(users, count):
    rows = stored_rows(users, count)
    with CaptureQueriesContext(connection) as captured:
        assert result_store.store(rows) == count
    assert inserts(captured) == 1


def test_a_large_store_is_one_statement_per_batch_and_skips_only_changed_rows(users, monkeypatch):
    rows = stored_rows(users, 5)
    results_changed([rows[0].service_id, rows[3].service_id])
    monkeypatch.setattr(result_store, "BATCH_SIZE", 2)
    with CaptureQueriesContext(connection) as captured:
        assert result_store.store(rows) == 3
    assert inserts(captured) == 3
    stale = ReadinessResult.objects.filter(stale=True).values_list("service_id", flat=True)
    assert sorted(stale) == [rows[0].service_id, rows[3].service_id]
    # The stored JSON reads back as Django wrote it.
    assert ReadinessResult.objects.get(pk=rows[1].pk).detail == rows[1].detail
