"""``osr snapshots [--day DATE] [--backfill-weeks N]``: keep each service's readiness of a day.

The worker does this each morning for the day before; run it by hand to fill a gap
(a day already kept is left as it was), or to rebuild a history when OSR starts.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.readiness.history import backfill_days, record_snapshots


class Command(BaseCommand):
    help = "Keep every service's readiness of a day (yesterday by default) as a snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--backfill-weeks", type=int, default=0, help="also one day a week back this far"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        day = options["day"] or today - dt.timedelta(days=1)
        if day > today:
            raise CommandError("The day must be today or in the past")
        weeks = options["backfill_weeks"]
        if weeks < 0:
            raise CommandError("--backfill-weeks must be 0 or more")
        days = backfill_days(day, weeks=weeks, daily=0) if weeks else [day]
        count = record_snapshots(days)
        self.stdout.write(
            f"Kept {count} snapshot{'s' if count != 1 else ''} "
            f"over {len(days)} day{'s' if len(days) != 1 else ''}"
        )
