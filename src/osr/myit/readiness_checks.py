"""The MyIT checks, plugged into readiness's registry of automatic checks.

Readiness names the checks in its policy (``myit.ticket_assignment`` for PB-2,
and so on); this module gives each its implementation: ``load`` reads what
MyIT held at each service's last sync (one query for any number of services)
and ``decide`` applies the plain check of ``checks`` to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from osr.readiness.checks import MET, NOT_MET, AutomaticCheck, CheckOutcome, register_check

from . import checks
from .mapping import current_mapping
from .models import MyitSnapshot

# Readiness's check name -> the MyIT check deciding it.
CHECKS: dict[str, Callable[[dict[str, Any], Any], checks.CheckResult]] = {
    "myit.ticket_assignment": checks.ticket_assignment,  # PB-2
    "myit.configuration_uploaded": checks.configuration_uploaded,  # PB-3
    "myit.record_complete": checks.record_complete,  # PUB-1
    "myit.data_owner": checks.data_owner_set,  # LV-1, as MyIT holds it
    "myit.support_queues": checks.support_queues_populated,  # LV-2
}


def load_snapshots(service_ids) -> dict[int, dict[str, Any]]:
    """What MyIT held for each service at its last sync, with the mapping to read it."""
    mapping = current_mapping()
    return {
        service_id: {"held": held, "mapping": mapping}
        for service_id, held in MyitSnapshot.objects.filter(service_id__in=service_ids).values_list(
            "service_id", "held"
        )
    }


def decider(name: str, check: Callable[[dict[str, Any], Any], checks.CheckResult]):
    """A readiness ``decide`` for one MyIT check: pure, over the facts ``load_snapshots`` gave."""

    def decide(service, evidence, today) -> CheckOutcome:
        loaded = service.extra.get(name)
        if not loaded:
            return CheckOutcome(NOT_MET, checks.NOT_SYNCED)
        result = check(loaded["held"], loaded["mapping"])
        return CheckOutcome(MET if result.met else NOT_MET, result.reason)

    return decide


def register_with_readiness() -> None:
    for name, check in CHECKS.items():
        description = (check.__doc__ or "").strip().splitlines()[0]
        register_check(
            AutomaticCheck(name, description, decide=decider(name, check), load=load_snapshots)
        )
