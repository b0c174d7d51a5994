"""The daily jobs, run from the task worker on a schedule rather than from cron.

``osr db_worker`` starts an APScheduler ``BackgroundScheduler`` beside the
worker loop. The scheduler does no work itself: at ``OSR_DAILY_JOBS_AT`` it
enqueues ``run_daily_jobs`` for the day, and every
``OSR_NOTIFICATIONS_RETRY_SECONDS`` it enqueues a delivery of the outbox if
anything in it is due, so the work is done, and retried, by the task queue
like any other task. Every worker runs a scheduler; each daily job records its
run for the day (``DailyRun``) in the transaction of its work, so that however
many workers enqueue the day's jobs, each job runs once a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import DailyRun

log = logging.getLogger(__name__)

DAILY = "daily-jobs"
OUTBOX = "outbox"
CATCH_UP = "catch-up"


def daily_jobs() -> list[tuple[str, Callable[..., object]]]:
    """The jobs named by ``OSR_DAILY_JOBS``, each a function taking ``today``."""
    return [(path, import_string(path)) for path in settings.OSR_DAILY_JOBS]


def run_daily_jobs(today: dt.date) -> dict[str, object]:
    """Run each daily job for ``today`` unless it already ran; one failing stops no other."""
    results: dict[str, object] = {}
    for name, job in daily_jobs():
        try:
            results[name] = run_once(name, job, today=today)
        except Exception as error:  # the next enqueue (or tomorrow) tries it again
            log.exception("daily job failed", extra={"job": name})
            results[name] = {"error": f"{type(error).__name__}: {error}"}
    return results


def run_once(name: str, job: Callable[..., object], *, today: dt.date) -> object:
    """Run a job for a day, once: its record and its work commit, or roll back, together."""
    with transaction.atomic():
        run, created = DailyRun.objects.get_or_create(job=name, day=today)
        if not created:
            return "already run"
        result = job(today=today)
        run.result = result if isinstance(result, dict) else {"result": str(result)}
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "finished_at"])
    return result


def enqueue_daily_jobs() -> None:
    """Ask the worker to run today's jobs (a no-op for any already run)."""
    from .tasks import run_daily_jobs as task

    try:
        task.enqueue(timezone.localdate().isoformat())
    finally:
        close_old_connections()


def enqueue_due_deliveries() -> None:
    """Ask the worker to deliver the outbox when something in it is due (a retry, say)."""
    from .delivery import due
    from .tasks import deliver_notifications

    try:
        if due(timezone.now()).exists():
            deliver_notifications.enqueue()
    finally:
        close_old_connections()


def daily_time() -> tuple[int, int]:
    """``OSR_DAILY_JOBS_AT`` ("HH:MM", local time) as hour and minute."""
    hour, _, minute = settings.OSR_DAILY_JOBS_AT.partition(":")
    return int(hour), int(minute or 0)


def build_scheduler(*, now: dt.datetime | None = None):
    """The worker's scheduler with its jobs, not yet started."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    zone = settings.TIME_ZONE
    scheduler = BackgroundScheduler(timezone=zone)
    hour, minute = daily_time()
    scheduler.add_job(
        enqueue_daily_jobs,
        CronTrigger(hour=hour, minute=minute, timezone=zone),
        id=DAILY,
        coalesce=True,
        misfire_grace_time=3600,
    )
    scheduler.add_job(
        enqueue_due_deliveries,
        IntervalTrigger(seconds=settings.OSR_NOTIFICATIONS_RETRY_SECONDS, timezone=zone),
        id=OUTBOX,
        coalesce=True,
        max_instances=1,
    )
    # A worker started after the day's hour (a deployment, a restart) catches up at once.
    local = timezone.localtime(now or timezone.now())
    if (local.hour, local.minute) >= (hour, minute):
        scheduler.add_job(enqueue_daily_jobs, id=CATCH_UP)
    return scheduler


def start_scheduler():
    """Start the schedule in a background thread of this process; returns the scheduler."""
    scheduler = build_scheduler()
    scheduler.start()
    hour, minute = daily_time()
    log.info("schedule started", extra={"daily_at": f"{hour:02d}:{minute:02d}"})
    return scheduler
