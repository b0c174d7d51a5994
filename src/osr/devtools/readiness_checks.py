"""PUB-2, plugged into readiness's registry of automatic checks as ``devtools.change_raised``."""

from __future__ import annotations

from django.db.models import Count, Q

from osr.readiness.checks import MET, NOT_MET, AutomaticCheck, CheckOutcome, register_check
from osr.readiness.triggers import refresh_when_saved

from .choices import ChangeStatus, Host
from .models import ChangeRequest, Integration
from .services import automated_links

NAME = "devtools.change_raised"


def load_integrations(service_ids) -> dict[int, dict[str, int]]:
    """Each service's integrations and the changes each raised, in one query."""
    loaded: dict[int, dict[str, int]] = {}
    rows = (
        Integration.objects.filter(service_id__in=service_ids)
        .annotate(raised=Count("changes", filter=Q(changes__status=ChangeStatus.RAISED)))
        .values_list("service_id", "host", "name", "raised")
    )
    for service_id, host, name, raised in rows:
        loaded.setdefault(service_id, {})[f"{Host(host).label}: {name}"] = raised
    return loaded


def decide(service, evidence, today) -> CheckOutcome:
    """PUB-2: met once an integration of the service has raised at least one change."""
    result = automated_links(service.extra.get(NAME, {}))
    return CheckOutcome(MET if result.met else NOT_MET, result.reason)


def register_with_readiness() -> None:
    # What the check loads: a change refreshes the service's stored readiness.
    refresh_when_saved(Integration, lambda integration: [integration.service_id])
    refresh_when_saved(ChangeRequest, lambda change: [change.service_id])
    register_check(
        AutomaticCheck(
            NAME,
            "A change was raised through the dev tools integration",
            decide=decide,
            load=load_integrations,
        )
    )
