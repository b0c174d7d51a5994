"""Background work: reminders of actions falling due and overdue, run by the worker."""

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def remind_actions() -> dict[str, int]:
    """Send today's reminders to the owners of open actions (at most once each a day)."""
    return services.send_action_reminders(today=timezone.localdate())
