"""The daily job that keeps the task queue's table small.

Every catalogue or evidence change queues a refresh of stored readiness, and
every notification a delivery, so the queue's table gains a row per change;
once a task has finished its row only says that it did.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def prune_finished_tasks(*, today: dt.date) -> dict[str, int]:
    """Delete the records of tasks that finished more than ``OSR_TASKS_KEPT_DAYS`` ago;
    failed ones are kept as long again, for whoever looks into them."""
    kept = dt.timedelta(days=settings.OSR_TASKS_KEPT_DAYS)
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    finished = DBTaskResult.objects.finished()
    succeeded = finished.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=start_of_today - kept
    )
    failed = finished.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=start_of_today - 2 * kept
    )
    deleted = succeeded.delete()[0] + failed.delete()[0]
    return {"deleted": deleted}
