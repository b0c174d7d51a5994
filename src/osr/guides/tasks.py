"""Background work: bulk exports run by the ``osr db_worker`` process, not in a web request."""

from django_tasks import task

from osr.core.audit import attributed

from . import services
from .models import GuideExport


def _requester(export_id: int):
    return GuideExport.objects.select_related("requested_by").get(pk=export_id).requested_by


@task()
@attributed(_requester)
def export_live_guides(export_id: int) -> dict:
    """Write the zip of the live services' approved guides; progress is kept on the export."""
    export = services.run_export(export_id)
    return {"status": export.status, "guides": export.done}
