"""What MyIT holds for a service after its sync, as the automatic checks read it.

Built from what the sync read and wrote (``Sync.records``, its relationships,
group members and services' sys_ids), so it costs no request of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .plan import MyitServiceFacts, Wanted, plain

if TYPE_CHECKING:
    from .sync import Sync


def held_by_myit(
    sync: Sync, facts: MyitServiceFacts, plan: list[Wanted], resolved: dict[str, str]
) -> dict[str, Any]:
    """The service, offering, components, groups and dependencies as MyIT now holds them."""

    def record(key: str) -> dict[str, Any] | None:
        sys_id = resolved.get(key, "")
        if not sys_id or sys_id not in sync.records:
            return None
        fields = {k: plain(v) for k, v in sync.records[sys_id].items()}
        return {"sys_id": sys_id, "table": fields.get("sys_class_name", ""), "fields": fields}

    type_id = sync.depends_on_type
    offering = resolved.get("offering", "")
    held: dict[str, Any] = {
        "service": record("service"),
        "offering": record("offering"),
        "components": [],
        "groups": [],
        "depends_on": [],
    }
    for w in plan:
        if w.kind == "component":
            found = record(w.key) or {}
            related = (offering, found.get("sys_id", ""), type_id) in sync.relationships
            name = str(w.fields[sync.mapping.component_fields["name"]])
            held["components"].append(
                {"key": w.key, "name": name, "sys_id": found.get("sys_id"), "related": related}
                | {"fields": found.get("fields", {})}
            )
        elif w.kind == "group":
            sys_id = resolved.get(w.key, "")
            held["groups"].append(
                {"key": w.key, "role": w.role, "name": w.match_value, "sys_id": sys_id or None}
                | {"members": sync.members.get(sys_id, 0)}
            )
        elif w.kind == "relationship" and w.key.startswith("relationship:service>"):
            target = w.key.rsplit(":", 1)[1]
            target_id = sync.service_ids.get(target, "")
            related = (resolved.get("service", ""), target_id, type_id) in sync.relationships
            held["depends_on"].append({"slug": target, "related": related})
    return held


def relate_held(held: dict[str, Any], target: str) -> None:
    """Mark a dependency related once its relationship is made, after the rest of the run."""
    for entry in held.get("depends_on", []):
        if entry["slug"] == target:
            entry["related"] = True
