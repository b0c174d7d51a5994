"""Background work: changes raised in MyIT by the worker, not in the webhook's request."""

from django_tasks import task

from . import services


@task()
def raise_change_in_myit(change_id: int) -> dict:
    """Raise the change of a recorded delivery in MyIT (at most once)."""
    change = services.raise_change(change_id)
    return {"status": change.status, "number": change.myit_number}
