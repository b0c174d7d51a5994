"""Background work: syncs run by the ``osr db_worker`` process, not in a web request."""

from django_tasks import task

from . import services


@task()
def sync_to_myit(run_ids: list[int]) -> dict:
    """Carry out queued syncs; the result of each is kept on its ``SyncRun``."""
    runs = services.run_syncs(run_ids)
    return {"runs": {str(run.pk): run.status for run in runs}}
