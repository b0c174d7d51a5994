"""``osr actions overdue`` and ``osr actions remind``: actions from the command line.

``remind`` sends the day's reminders to owners of actions falling due or
overdue; run it daily from cron (or let the worker run the ``remind_actions`` task).
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.utils import timezone

from osr.core.answers import With
from osr.reviews import services
from osr.reviews.api_schemas import ActionOut
from osr.reviews.filters import action_list


class Command(BaseCommand):
    help = "List overdue actions, or send the day's reminders to their owners."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        overdue = actions.add_parser("overdue", help="Open actions past their due date")
        overdue.add_argument("--group", metavar="SLUG", help="Only this delivery group's")
        overdue.add_argument("--owner", metavar="ID", help="Only this person's (their id)")
        overdue.add_argument("--json", action="store_true", help="Print JSON as the API does")
        remind = actions.add_parser("remind", help="Send today's reminders (run daily)")
        remind.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            help="as on this date (YYYY-MM-DD); today by default",
        )

    def handle(self, *args, **options):
        if options["action"] == "remind":
            today = options["on"] or timezone.localdate()
            sent = services.send_action_reminders(today=today)
            self.stdout.write(f"Reminders sent: {sent['before']} due soon, {sent['after']} overdue")
            return
        today = timezone.localdate()
        params = QueryDict(mutable=True)
        for name in ("group", "owner"):
            if options[name]:
                params[name] = options[name]
        filters = action_list(params, today=today)
        if not filters.is_valid():
            name, messages = next(iter(filters.errors.items()))
            raise CommandError(f"--{name} {options[name]!r}: {' '.join(messages)}")
        overdue = list(filters.qs.filter(due_on__lt=today))
        if options["json"]:
            rows = [
                ActionOut.model_validate(With(a, today=today)).model_dump(mode="json")
                for a in overdue
            ]
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not overdue:
            self.stdout.write("No overdue actions.")
            return
        for action in overdue:
            days = (today - action.due_on).days
            late = f"{days} day{'s' if days != 1 else ''} overdue"
            self.stdout.write(
                f"{action.pk:>5}  due {action.due_on.isoformat()} ({late})  "
                f"{action.service.name}  {action.owner.name}: {action.description}"
            )
