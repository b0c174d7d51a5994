"""The queue's record of a finished task is deleted after a week; pending work never is."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from osr.core.notifications.pruning import prune_finished_tasks
from osr.readiness.tasks import refresh_results

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 11, 30)


def _task(status, finished_days_ago=None):
    refresh_results.enqueue([1])
    row = DBTaskResult.objects.order_by("-enqueued_at").first()
    row.status = status
    if finished_days_ago is not None:
        at = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12)))
        row.finished_at = at - dt.timedelta(days=finished_days_ago)
    row.save()
    return row.pk


def test_finished_tasks_older_than_the_kept_days_are_deleted_and_nothing_else(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.OSR_TASKS_KEPT_DAYS = 7
    old_success = _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=9)
    recent_success = _task(TaskResultStatus.SUCCESSFUL, finished_days_ago=3)
    old_failure = _task(TaskResultStatus.FAILED, finished_days_ago=9)
    very_old_failure = _task(TaskResultStatus.FAILED, finished_days_ago=16)
    waiting = _task(TaskResultStatus.READY)

    assert prune_finished_tasks(today=TODAY) == {"deleted": 2}
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent_success, old_failure, waiting}
    assert old_success not in left and very_old_failure not in left
