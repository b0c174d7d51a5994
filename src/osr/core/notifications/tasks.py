"""Background work of notifications, run by the task worker (``osr db_worker``)."""

import datetime as dt

from django_tasks import task

from . import delivery, schedule


@task()
def deliver_notifications() -> dict[str, int]:
    """Send every notification in the outbox that is due."""
    return delivery.deliver_due()


@task()
def run_daily_jobs(day: str) -> dict[str, object]:
    """Run the day's scheduled jobs (each at most once a day)."""
    return schedule.run_daily_jobs(dt.date.fromisoformat(day))
