"""The readiness requirements MyIT decides, read from what MyIT holds.

Plain functions over plain data: ``held`` is what the last sync read back
from MyIT for a service (stored on ``MyitSnapshot``), ``mapping`` names its
fields. Each answers whether the requirement is met, and if not, why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .mapping import Mapping

NOT_SYNCED = "The service has not been synced to MyIT yet"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of an automatic check: met or not, and the reason shown to people."""

    requirement_id: str
    met: bool
    reason: str


def _result(requirement_id: str, missing: list[str], met_reason: str) -> CheckResult:
    if missing:
        return CheckResult(requirement_id, False, "; ".join(missing))
    return CheckResult(requirement_id, True, met_reason)


def _filled(record: dict[str, Any] | None, field: str) -> bool:
    return bool(record and str((record.get("fields") or {}).get(field) or "").strip())


def _groups(held: dict[str, Any], *roles: str) -> list[dict[str, Any]]:
    return [g for g in held.get("groups", []) if g.get("role") in roles]


def ticket_assignment(held: dict[str, Any], mapping: Mapping) -> CheckResult:
    """PB-2: tickets for the service are routed to an assignment group that exists."""
    if not held.get("service"):
        return CheckResult("PB-2", False, NOT_SYNCED)
    missing = []
    support = _groups(held, "support")
    if not support or not support[0].get("sys_id"):
        missing.append("No support group in MyIT")
    if not _filled(held["service"], mapping.service_fields["support_group"]):
        missing.append("The business service has no support group")
    if not _filled(held.get("offering"), mapping.offering_fields["support_group"]):
        missing.append("The service offering does not route to a support group")
    return _result("PB-2", missing, "Tickets are assigned to the service's support group in MyIT")


def configuration_uploaded(held: dict[str, Any], mapping: Mapping) -> CheckResult:
    """PB-3: MyIT holds how the service is configured (offering, components) and supported."""
    if not held.get("service"):
        return CheckResult("PB-3", False, NOT_SYNCED)
    missing = []
    if not held.get("offering"):
        missing.append("No service offering in MyIT")
    absent = [c["name"] for c in held.get("components", []) if not c.get("sys_id")]
    if absent:
        missing.append(f"Components not in MyIT: {', '.join(absent)}")
    unrelated = [
        c["name"] for c in held.get("components", []) if c.get("sys_id") and not c.get("related")
    ]
    if unrelated:
        missing.append(f"Components not related to the offering: {', '.join(unrelated)}")
    if not _filled(held["service"], mapping.service_fields["support_group"]):
        missing.append("No support information on the business service")
    return _result("PB-3", missing, "MyIT holds the service's configuration and support")


def record_complete(held: dict[str, Any], mapping: Mapping) -> CheckResult:
    """PUB-1: every required field of every MyIT record of the service is filled in."""
    if not held.get("service"):
        return CheckResult("PUB-1", False, NOT_SYNCED)
    missing = []
    required = mapping.required_fields
    for label, record, kind in (
        ("business service", held.get("service"), "service"),
        ("service offering", held.get("offering"), "offering"),
    ):
        if record is None:
            missing.append(f"No {label} in MyIT")
            continue
        empty = [f for f in required.get(kind, []) if not _filled(record, f)]
        if empty:
            missing.append(f"The {label} lacks {', '.join(empty)}")
    for component in held.get("components", []):
        if not component.get("sys_id"):
            missing.append(f"Component {component['name']} is not in MyIT")
            continue
        empty = [f for f in required.get("component", []) if not _filled(component, f)]
        if empty:
            missing.append(f"Component {component['name']} lacks {', '.join(empty)}")
    return _result("PUB-1", missing, "Every required field in MyIT is complete")


def data_owner_set(held: dict[str, Any], mapping: Mapping) -> CheckResult:
    """LV-1: MyIT names who owns and maintains the service's data."""
    if not held.get("service"):
        return CheckResult("LV-1", False, NOT_SYNCED)
    if _filled(held["service"], mapping.service_fields["data_owner"]):
        return CheckResult("LV-1", True, "MyIT names the service's data owner")
    return CheckResult("LV-1", False, "No data owner is set on the service in MyIT")


def support_queues_populated(held: dict[str, Any], mapping: Mapping) -> CheckResult:
    """LV-2: the service's support group and every component queue have members in MyIT."""
    if not held.get("service"):
        return CheckResult("LV-2", False, NOT_SYNCED)
    queues = _groups(held, "support", "queue")
    missing = []
    for queue in queues:
        if not queue.get("sys_id"):
            missing.append(f"Queue {queue['name']} is not in MyIT")
        elif not queue.get("members"):
            missing.append(f"Queue {queue['name']} has no members")
    if not queues:
        missing.append("No support queues")
    return _result("LV-2", missing, "Every support queue has members in MyIT")


CHECKS: dict[str, Callable[[dict[str, Any], Mapping], CheckResult]] = {
    "PB-2": ticket_assignment,
    "PB-3": configuration_uploaded,
    "PUB-1": record_complete,
    "LV-1": data_owner_set,
    "LV-2": support_queues_populated,
}


def evaluate(held: dict[str, Any], mapping: Mapping) -> list[CheckResult]:
    """Every MyIT check over what MyIT holds for one service."""
    return [check(held or {}, mapping) for check in CHECKS.values()]
