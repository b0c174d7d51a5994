"""Retiring in MyIT what OSR made for parts a service no longer has.

A component removed from OSR leaves its CI in MyIT: the CI is retired (the
mapping's ``retired_component`` fields, ServiceNow's Retired status by
default) rather than deleted, so incidents and changes that name it keep their
history. The relationships OSR made (the offering to a component, the service
to a service it depended on) are deleted: a relationship has no status, and
one left behind would tell MyIT the service still depends on it.

Only records OSR stored a sys_id for are touched, never a record made by hand
in MyIT. A retired record's key is then forgotten, so the next sync reads and
writes nothing for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client import MyitError
from .confirm import explain
from .mapping import Mapping
from .plan import Ref, SyncOutcome, Wanted, changed_fields

if TYPE_CHECKING:
    from .sync import Sync


def gone_components(
    batch: list[tuple[Any, Any, dict[str, str]]], plans: list[list[Wanted]], mapping: Mapping
) -> list[tuple[Wanted, str]]:
    """Stand-ins for the stored components a service no longer has, to read with the rest."""
    gone: list[tuple[Wanted, str]] = []
    for (_, _, stored), plan in zip(batch, plans, strict=True):
        wanted = {w.key for w in plan}
        for key, sys_id in stored.items():
            if key.startswith("component:") and key not in wanted:
                fields: dict[str, str | Ref] = dict(mapping.retired_component)
                table = mapping.table("component")
                gone.append(
                    (Wanted(key, "component", table, fields, mapping.correlation_field), sys_id)
                )
    return gone


def retire_removed(
    sync: Sync, stored: dict[str, str], plan: list[Wanted], in_use: set[str], outcome: SyncOutcome
) -> None:
    """Delete the relationships, then retire the components, OSR keeps for nothing now.

    ``in_use`` holds the sys_ids the service's wanted records resolved to: a
    record still wanted under another key is left alone. A group no longer
    used is only forgotten, being shared with whoever else uses it.
    """
    wanted = {w.key for w in plan}
    gone = sorted(
        (key for key in stored if key not in wanted and not key.startswith("target:")),
        key=lambda key: (not key.startswith("relationship:"), key),
    )
    related = set(sync.relationships.values())
    for position, key in enumerate(gone):
        sys_id = stored[key]
        try:
            if sys_id in in_use:
                pass
            elif key.startswith("relationship:") and sys_id in related:
                _delete_relationship(sync, key, sys_id, outcome)
            elif key.startswith("component:") and sys_id in sync.records:
                _retire_component(sync, key, sys_id, outcome)
        except MyitError as error:
            outcome.error = explain(error)
            outcome.stops_run = error.stops_run
            outcome.not_written += [
                {"key": later, "reason": "The sync stopped before retiring it"}
                for later in gone[position:]
            ]
            return
        if not sync.dry_run:
            outcome.forgotten.append(key)


def _delete_relationship(sync: Sync, key: str, sys_id: str, outcome: SyncOutcome) -> None:
    table = sync.mapping.table("relationship")
    outcome.differences.append({"action": "delete", "table": table, "key": key, "sys_id": sys_id})
    if sync.dry_run:
        return
    sync.client.delete(table, sys_id)
    outcome.written.append(key)
    sync.relationships = {k: v for k, v in sync.relationships.items() if v != sys_id}


def _retire_component(sync: Sync, key: str, sys_id: str, outcome: SyncOutcome) -> None:
    table = sync.mapping.table("component")
    changes = changed_fields(sync.records[sys_id], sync.mapping.retired_component)
    if not changes:
        return
    outcome.differences.append(
        {"action": "retire", "table": table, "key": key, "sys_id": sys_id, "changes": changes}
    )
    if sync.dry_run:
        return
    patch = {name: new for name, (_, new) in changes.items()}
    sync.records[sys_id] = sync.client.patch(table, sys_id, patch)
    outcome.written.append(key)
