"""Background work: the stored readiness of the services committed changes touched, one
service or thousands, evaluated off the request that made the change."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from osr.catalogue.models import Service
from osr.core.compiled import ExistsAt

from .models import ReadinessResult
from .results import BATCH, ensure_current


@task()
def refresh_results(service_ids: list[int]) -> dict:
    """Evaluate and store the readiness of these services, and of every other service
    whose result is marked stale or missing when this starts, where still behind (a
    page that read one in the meantime has already done so). The changes committed
    while this waited queued no refresh of their own (``refresh_queued``), so it loads
    their services together. One changed again while it is evaluated is left stale,
    for the refresh that change queues."""
    today = timezone.localdate()
    stale = ReadinessResult.objects.filter(stale=True).values_list("service_id", flat=True)
    missing = Service.objects.filter(readiness_result__isnull=True).values_list("id", flat=True)
    ids = sorted(set(service_ids).union(stale, missing))
    refreshed = sum(
        ensure_current(Service.objects.filter(pk__in=ids[start : start + BATCH]), today=today)
        for start in range(0, len(ids), BATCH)
    )
    return {"refreshed": refreshed}


def refresh_queued() -> bool:
    """Whether a refresh waits in the database queue, not yet started by a worker: it
    will find every result marked stale, or still missing, by a change committed
    before it starts.

    A worker claims a task (and commits that) before running it, so a refresh seen
    waiting here, after a change committed, reads the rows that change marked.
    """
    if not isinstance(refresh_results.get_backend(), DatabaseBackend):
        return False
    return _WAITING.exists(timezone.now())


def _refreshes_ready_at(moment) -> QuerySet:
    """The refreshes a worker may start at ``moment``: the queue's ``ready()``, which
    reads the time itself, asked of a given moment."""
    return DBTaskResult.objects.filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=moment),
        status=TaskResultStatus.READY,
        task_path=refresh_results.module_path,
        backend_name=refresh_results.backend,
        queue_name=refresh_results.queue_name,
    )


# Asked after every committed change, so written once.
_WAITING = ExistsAt(_refreshes_ready_at, "run_after")
