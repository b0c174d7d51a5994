"""What MyIT should hold for a service, and how that differs from what it holds.

Plain functions over plain data: no ORM, no HTTP. ``wanted_records`` turns a
service's catalogue facts into the records of ServiceNow's Common Service Data
Model (support and change groups, a business service, its offering, a service
instance per component, and ``cmdb_rel_ci`` relationships), in the order they
must be written: a record is written after every record it refers to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .mapping import Mapping


@dataclass(frozen=True)
class ComponentFacts:
    pk: int
    name: str
    kind: str
    hosting: str
    support_group: str = ""


@dataclass(frozen=True)
class MyitServiceFacts:
    """What the catalogue says about a service, as far as MyIT is concerned."""

    slug: str
    name: str
    description: str = ""
    critical: bool = False
    phase: str = "discovery"
    data_owner_email: str = ""
    service_owner_email: str = ""
    support_contact_email: str = ""
    components: tuple[ComponentFacts, ...] = ()
    depends_on: tuple[str, ...] = ()  # slugs of the services it depends on
    # (key, field, value) written at an earlier sync that MyIT did not take.
    not_taken: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Ref:
    """The sys_id of a record OSR keeps: of this service, or of another (``slug``)."""

    key: str
    slug: str = ""


@dataclass
class Wanted:
    """A record MyIT should hold, how to find it, and the fields OSR keeps in step."""

    key: str  # stable within the service: "service", "component:12", ...
    kind: str  # service, offering, component, group, relationship
    table: str
    fields: dict[str, str | Ref]
    match_field: str = ""  # where no sys_id is stored: find it by this field…
    match_value: str = ""  # …having this value
    keep_in_step: bool = True  # False: a shared record OSR creates but does not own
    role: str = ""  # for groups: support, change or queue

    def refs(self) -> list[Ref]:
        return [v for v in self.fields.values() if isinstance(v, Ref)]


@dataclass
class SyncOutcome:
    """What one service's sync did or would do."""

    differences: list[dict[str, Any]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    not_written: list[dict[str, str]] = field(default_factory=list)
    error: str = ""
    held: dict[str, Any] = field(default_factory=dict)
    # Records found or created whose sys_id OSR should store: key -> (table, sys_id).
    records: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Keys of records OSR no longer keeps (retired, deleted or no longer used).
    forgotten: list[str] = field(default_factory=list)
    # Fields written that MyIT did not take: {key, table, field, value}.
    not_taken: list[dict[str, str]] = field(default_factory=list)
    # False when the error concerns this service only (an ACL, a data policy).
    stops_run: bool = True

    def summary(self, dry_run: bool) -> str:
        """One line for the progress of a run."""
        if self.error:
            return f"stopped: {self.error}"
        count = len(self.differences)
        if dry_run:
            return f"{count} difference{'s' if count != 1 else ''}" if count else "in step"
        created = sum(1 for d in self.differences if d["action"] == "create")
        removed = sum(1 for d in self.differences if d["action"] in ("retire", "delete"))
        if not count:
            return "in step, nothing written"
        line = f"{created} created, {count - created - removed} updated"
        return f"{line}, {removed} retired" if removed else line


def group_names(facts: MyitServiceFacts, mapping: Mapping) -> dict[str, tuple[str, str]]:
    """The groups a service needs: key -> (role, name)."""
    support = mapping.support_group_name.format(name=facts.name, slug=facts.slug)
    change = mapping.change_group_name.format(name=facts.name, slug=facts.slug)
    groups = {"group:support": ("support", support), "group:change": ("change", change)}
    for component in facts.components:
        queue = component.support_group.strip()
        if queue and queue != support:
            groups[f"group:queue:{queue}"] = ("queue", queue)
    return groups


def wanted_records(
    facts: MyitServiceFacts, mapping: Mapping, *, users: dict[str, str], depends_on_type: str
) -> list[Wanted]:
    """Every record MyIT should hold for the service, in the order to write them.

    ``users`` maps email addresses to MyIT user sys_ids; a person MyIT does not
    know is left out rather than blanking what MyIT holds.
    """
    m = mapping
    records: list[Wanted] = []
    group_table, gf = m.table("group"), m.group_fields
    for key, (role, name) in group_names(facts, m).items():
        fields: dict[str, str | Ref] = {gf["name"]: name}
        if role == "support":
            fields[gf["email"]] = facts.support_contact_email
            fields[gf["description"]] = f"Supports {facts.name}"
        elif role == "change":
            fields[gf["description"]] = f"Approves changes to {facts.name}"
        records.append(
            Wanted(key, "group", group_table, fields, gf["name"], name, role != "queue", role)
        )

    corr = m.correlation_field
    sf = m.service_fields
    service: dict[str, str | Ref] = {
        sf["name"]: facts.name,
        sf["description"]: facts.description.strip().splitlines()[0][:160]
        if facts.description.strip()
        else "",
        sf["support_group"]: Ref("group:support"),
        sf["change_group"]: Ref("group:change"),
        sf["criticality"]: m.criticality["critical" if facts.critical else "not_critical"],
        corr: m.correlation_id(facts.slug),
    }
    _status(m, facts, sf, service)
    for role, email in (
        ("data_owner", facts.data_owner_email),
        ("service_owner", facts.service_owner_email),
    ):
        if email.lower() in users:
            service[sf[role]] = users[email.lower()]
    records.append(_found_by(m, "service", "service", service))

    of = m.offering_fields
    offering: dict[str, str | Ref] = {
        of["name"]: m.offering_name.format(name=facts.name, slug=facts.slug),
        of["parent"]: Ref("service"),
        of["support_group"]: Ref("group:support"),
        of["change_group"]: Ref("group:change"),
        corr: m.correlation_id(facts.slug, "offering"),
    }
    _status(m, facts, of, offering)
    records.append(_found_by(m, "offering", "offering", offering))

    cf = m.component_fields
    for c in facts.components:
        queue = c.support_group.strip()
        group = f"group:queue:{queue}" if queue and f"group:queue:{queue}" in _keys(records) else ""
        component: dict[str, str | Ref] = {
            cf["name"]: c.name,
            cf["description"]: f"{c.kind}, hosted on {c.hosting}",
            cf["support_group"]: Ref(group or "group:support"),
            corr: m.correlation_id(facts.slug, "component", str(c.pk)),
        }
        _status(m, facts, cf, component)
        records.append(_found_by(m, "component", f"component:{c.pk}", component))

    rf, rel_table = m.relationship_fields, m.table("relationship")
    for c in facts.components:
        records.append(
            Wanted(
                f"relationship:offering>component:{c.pk}",
                "relationship",
                rel_table,
                {
                    rf["parent"]: Ref("offering"),
                    rf["child"]: Ref(f"component:{c.pk}"),
                    rf["type"]: depends_on_type,
                },
            )
        )
    for slug in facts.depends_on:
        records.append(
            Wanted(
                f"relationship:service>service:{slug}",
                "relationship",
                rel_table,
                {
                    rf["parent"]: Ref("service"),
                    rf["child"]: Ref("service", slug),
                    rf["type"]: depends_on_type,
                },
            )
        )
    return records


def _status(
    m: Mapping, facts: MyitServiceFacts, names: dict[str, str], record: dict[str, str | Ref]
) -> None:
    """The CI's status from OSR's phase: ``operational_status`` and CSDM's life cycle pair.

    Each is written only where the mapping names its field and has a value for the phase.
    """
    stage, stage_status = (list(m.life_cycle.get(facts.phase) or []) + ["", ""])[:2]
    for role, value in (
        ("status", m.operational_status.get(facts.phase, "")),
        ("life_cycle_stage", stage),
        ("life_cycle_status", stage_status),
    ):
        if names.get(role) and value:
            record[names[role]] = value


def _found_by(m: Mapping, kind: str, key: str, fields: dict[str, str | Ref]) -> Wanted:
    corr = m.correlation_field
    return Wanted(key, kind, m.table(kind), fields, corr, str(fields[corr]))


def _keys(records: list[Wanted]) -> set[str]:
    return {r.key for r in records}


def plain(value: Any) -> str:
    """A field as compared: a reference's sys_id, anything else as text."""
    if isinstance(value, dict):
        return str(value.get("value") or "")
    return "" if value is None else str(value)


def changed_fields(existing: dict[str, Any], wanted: dict[str, str]) -> dict[str, list[str]]:
    """The fields whose value in MyIT differs from OSR's: field -> [in MyIT, wanted]."""
    return {
        name: [plain(existing.get(name)), value]
        for name, value in wanted.items()
        if plain(existing.get(name)) != value
    }


def relationship_key(fields: dict[str, str], mapping: Mapping) -> tuple[str, str, str]:
    rf = mapping.relationship_fields
    return (fields[rf["parent"]], fields[rf["child"]], fields[rf["type"]])
