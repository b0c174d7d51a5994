"""Changes committed while a refresh waits in the queue share it: it loads them together."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from osr.catalogue.models import Service
from osr.readiness.models import ReadinessResult
from osr.readiness.results import refresh_ids
from osr.readiness.tasks import refresh_queued, refresh_results

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(users, django_capture_on_commit_callbacks):
    """Three services in discovery, each with its result stored, and no refresh queued."""
    with django_capture_on_commit_callbacks(execute=True):
        services = [ServiceFactory(delivery_group=users.own, phase="discovery") for _ in range(3)]
    refresh_ids([s.pk for s in services], today=timezone.localdate())
    DBTaskResult.objects.all().delete()
    return services


def moved(service: Service, capture) -> None:
    """The service moved to private beta in a transaction of its own, committed."""
    with capture(execute=True):
        service.phase = "private_beta"
        service.save()


def queued() -> list[list[int]]:
    """The service ids of each refresh queued, oldest first."""
    tasks = DBTaskResult.objects.filter(task_path=refresh_results.module_path)
    return [t.args_kwargs["args"][0] for t in tasks.order_by("enqueued_at")]


def run(task: DBTaskResult) -> dict:
    return refresh_results.call(*task.args_kwargs["args"])


def test_changes_while_a_refresh_waits_share_it_and_it_refreshes_them_all(
    stored, django_capture_on_commit_callbacks
):
    for service in stored:
        moved(service, django_capture_on_commit_callbacks)
    assert queued() == [[stored[0].pk]]
    assert ReadinessResult.objects.filter(stale=True).count() == 3
    assert run(DBTaskResult.objects.get()) == {"refreshed": 3}
    rows = ReadinessResult.objects.filter(service__in=stored)
    assert {(r.stale, r.phase) for r in rows} == {(False, "private_beta")}


def test_a_change_after_the_waiting_refresh_started_queues_another(
    stored, django_capture_on_commit_callbacks
):
    moved(stored[0], django_capture_on_commit_callbacks)
    DBTaskResult.objects.get().claim("worker")  # started: it may have read the stale rows
    moved(stored[1], django_capture_on_commit_callbacks)
    assert queued() == [[stored[0].pk], [stored[1].pk]]


def test_a_new_service_with_no_result_yet_shares_the_waiting_refresh(
    stored, users, django_capture_on_commit_callbacks
):
    moved(stored[0], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        new = ServiceFactory(delivery_group=users.own, phase="discovery")
    assert not ReadinessResult.objects.filter(service=new).exists()
    assert queued() == [[stored[0].pk]]
    assert run(DBTaskResult.objects.get()) == {"refreshed": 2}
    assert ReadinessResult.objects.get(service=new).phase == "discovery"


def test_a_failed_or_finished_refresh_is_not_waiting(stored, django_capture_on_commit_callbacks):
    moved(stored[0], django_capture_on_commit_callbacks)
    first = DBTaskResult.objects.get()
    first.claim("worker")
    first.set_successful({"refreshed": 1})
    moved(stored[1], django_capture_on_commit_callbacks)
    assert queued() == [[stored[0].pk], [stored[1].pk]]


def _refresh_task(**fields) -> DBTaskResult:
    """A refresh in the queue, in the state ``fields`` give."""
    return DBTaskResult.objects.create(
        task_path=refresh_results.module_path,
        backend_name=refresh_results.backend,
        queue_name=refresh_results.queue_name,
        args_kwargs={"args": [[1]], "kwargs": {}},
        **fields,
    )


def _queue_says() -> bool:
    """What the queue's own ``ready()`` says of the refreshes, as it reads the time."""
    return (
        DBTaskResult.objects.ready()
        .filter(task_path=refresh_results.module_path, queue_name=refresh_results.queue_name)
        .exists()
    )


def test_a_refresh_is_seen_waiting_exactly_when_the_queue_would_start_it(users):
    assert refresh_queued() is _queue_says() is False
    later = _refresh_task(run_after=timezone.now() + dt.timedelta(hours=1))
    assert refresh_queued() is _queue_says() is False  # not to start yet
    _refresh_task(status=TaskResultStatus.RUNNING)
    _refresh_task(status=TaskResultStatus.SUCCESSFUL)
    assert refresh_queued() is _queue_says() is False  # started, or done
    later.run_after = timezone.now() - dt.timedelta(seconds=1)
    later.save()
    assert refresh_queued() is _queue_says() is True  # its time has come
    later.delete()
    _refresh_task()  # to start as soon as a worker is free
    assert refresh_queued() is _queue_says() is True


def test_whether_a_refresh_waits_is_asked_by_sql_written_once(users):
    refresh_queued()  # written the first time it is asked, as a process starts
    written = mock.patch.object(SQLCompiler, "as_sql", autospec=True)
    with written as writes, CaptureQueriesContext(connection) as queries:
        refresh_queued()
    assert writes.call_count == 0 and len(queries) == 1
