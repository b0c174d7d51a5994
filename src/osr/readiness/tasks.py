"""Background work: the stored readiness of the services a committed change touched, one
service or thousands, evaluated off the request that made the change."""

from django.utils import timezone
from django_tasks import task

from osr.catalogue.models import Service

from .results import BATCH, ensure_current


@task()
def refresh_results(service_ids: list[int]) -> dict:
    """Evaluate and store the readiness of those of these services still stale (a page
    that read one in the meantime has already done so). One changed again while it is
    evaluated is left stale, for that change's own task."""
    today = timezone.localdate()
    refreshed = sum(
        ensure_current(
            Service.objects.filter(pk__in=service_ids[start : start + BATCH]), today=today
        )
        for start in range(0, len(service_ids), BATCH)
    )
    return {"refreshed": refreshed}
