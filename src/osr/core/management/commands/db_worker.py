"""``osr db_worker``: the background task worker, with the schedule of daily jobs beside it."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from osr.core.notifications.schedule import start_scheduler


class Command(db_worker.Command):
    help = (
        "Run the background task worker, and the schedule that enqueues the daily jobs "
        "(expiry warnings, action reminders, digests) and retries of the outbox"
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Run tasks only; another worker keeps the schedule",
        )

    def handle(self, *args, schedule: bool = True, **options) -> None:  # type: ignore[override]
        # With --reload the parent process only watches files; its child works.
        watching = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if schedule and not watching and not options.get("batch"):
            start_scheduler()
        super().handle(*args, **options)
