"""Whether MyIT has every table and field OSR's mapping names, and OSR's access to them.

ServiceNow ignores a field it does not have, in writes and queries alike, so a
mapping naming one would be written on every run, and a correlation field
missing from a table would make every look-up read the whole table. The
dictionary (``sys_db_object`` for what each table extends, ``sys_dictionary``
for the fields each defines) says what exists; a read of one record says
whether the account may read a table and which fields an ACL hides from it; an
empty update says whether it may write the table, changing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .client import MyitClient, MyitError
from .mapping import Mapping
from .plan import plain

# The roles that give an account access to each table in a ServiceNow instance
# as shipped: (to read, to write). The nearest table up the hierarchy decides.
ROLES = {
    "cmdb_ci": ("itil", "itil"),
    "cmdb_rel_ci": ("itil", "itil"),
    "cmdb_rel_type": ("itil", "itil"),
    "sys_user_group": ("itil", "user_admin"),
    "sys_user_grmember": ("itil", "user_admin"),
    "sys_user": ("itil", "user_admin"),
    "task": ("itil", "itil"),
    "change_request": ("itil", "sn_change_write"),
}
DICTIONARY_ROLE = "personalize_dictionary"  # to read sys_dictionary and sys_db_object
# The kinds of record a sync writes; the others it only reads.
WRITTEN = ("service", "offering", "component", "relationship", "group")


@dataclass
class TableCheck:
    """What MyIT says of one mapped table."""

    kind: str  # OSR's name for it: service, offering, ...
    table: str
    exists: bool = True
    readable: bool | None = None  # None: not known (no record to read)
    writable: bool | None = None
    missing: list[str] = field(default_factory=list)  # mapped fields MyIT does not have
    hidden: list[str] = field(default_factory=list)  # fields an ACL keeps from OSR's account
    roles: tuple[str, str] = ("itil", "itil")

    @property
    def ready(self) -> bool:
        return self.exists and not self.missing and self.readable is not False


@dataclass
class Preflight:
    """Each mapped table, what is missing, and the roles OSR's account needs."""

    tables: list[TableCheck]
    dictionary_readable: bool = True

    @property
    def ready(self) -> bool:
        return all(t.ready for t in self.tables)

    @property
    def missing(self) -> list[str]:
        """``table.field`` for each mapped field MyIT lacks, and each table it lacks."""
        gone = [t.table for t in self.tables if not t.exists]
        return gone + [f"{t.table}.{name}" for t in self.tables for name in t.missing]

    @property
    def roles(self) -> list[str]:
        needed = {t.roles[0] for t in self.tables} | {
            t.roles[1] for t in self.tables if t.kind in WRITTEN
        }
        return sorted(needed | {DICTIONARY_ROLE})


def mapped_fields(mapping: Mapping) -> dict[str, tuple[str, set[str]]]:
    """OSR's kind of record -> (its table, the fields the mapping names in it)."""
    m, corr = mapping, mapping.correlation_field
    fields = {
        "service": set(m.service_fields.values()) | {corr},
        "offering": set(m.offering_fields.values()) | {corr},
        "component": set(m.component_fields.values()) | set(m.retired_component) | {corr},
        "relationship": set(m.relationship_fields.values()),
        "relationship_type": {"name"},
        "group": set(m.group_fields.values()),
        "group_member": {m.member_group_field},
        "user": {m.user_email_field},
        "change": {f for f in m.change_fields.values() if f} | {corr},
    }
    return {kind: (m.table(kind), names) for kind, names in fields.items() if kind in m.tables}


def check(client: MyitClient, mapping: Mapping, *, probe: bool = True) -> Preflight:
    """Check the mapping against MyIT; ``probe=False`` asks the dictionary only (a sync's check)."""
    wanted = mapped_fields(mapping)
    checks = [TableCheck(kind, table, roles=_roles(table)) for kind, (table, _) in wanted.items()]
    try:
        parents = _ancestry(client, {table for table, _ in wanted.values()})
        defined = _defined(client, parents, wanted)
    except MyitError as error:
        if error.status != 403:
            raise
        return Preflight(checks, dictionary_readable=False)
    for c in checks:
        chain = _chain(c.table, parents)
        c.exists = c.table in parents
        have = {name for owner, name in defined if owner in chain}
        c.missing = sorted(wanted[c.kind][1] - have) if c.exists else []
        c.roles = _roles(c.table, chain)
        if probe and c.exists:
            _probe(client, c, sorted(wanted[c.kind][1] & have))
    return Preflight(checks)


def _ancestry(client: MyitClient, tables: set[str]) -> dict[str, str]:
    """Table -> the table it extends ("" for none), for the tables and all they extend."""
    parents: dict[str, str] = {}
    asking = tables
    while asking:
        query = f"nameIN{','.join(sorted(asking))}"
        rows = client.list("sys_db_object", query=query, fields=["name", "super_class"])
        for row in rows:
            parents[str(row["name"])] = _name_of(row.get("super_class"))
        asking = {p for p in parents.values() if p and p not in parents}
    return parents


def _name_of(value) -> str:
    """A table's name from ``super_class``: the fake and display values give the name."""
    if isinstance(value, dict):
        return str(value.get("display_value") or value.get("value") or "")
    return str(value or "")


def _defined(
    client: MyitClient, parents: dict[str, str], wanted: dict[str, tuple[str, set[str]]]
) -> set[tuple[str, str]]:
    names = sorted({n for _, fields in wanted.values() for n in fields})
    query = f"nameIN{','.join(sorted(parents))}^elementIN{','.join(names)}"
    rows = client.list("sys_dictionary", query=query, fields=["name", "element"])
    return {(str(r["name"]), str(r["element"])) for r in rows}


def _chain(table: str, parents: dict[str, str]) -> list[str]:
    chain = [table]
    while parents.get(chain[-1]):
        chain.append(parents[chain[-1]])
    return chain


def _roles(table: str, chain: list[str] | None = None) -> tuple[str, str]:
    return next((ROLES[t] for t in chain or [table] if t in ROLES), ("itil", "itil"))


def _probe(client: MyitClient, c: TableCheck, fields: list[str]) -> None:
    """Read one record, and send it an empty update: refusals say what access is lacking."""
    try:
        rows = list(client.list(c.table, fields=["sys_id", *fields], page_size=1, limit=1))
    except MyitError as error:
        if error.status != 403:
            raise
        c.readable = False
        return
    c.readable = True
    if not rows:
        return
    c.hidden = sorted(f for f in fields if f not in rows[0])
    if c.kind in WRITTEN:
        try:
            client.patch(c.table, plain(rows[0]["sys_id"]), {})
            c.writable = True
        except MyitError as error:
            if error.status != 403:
                raise
            c.writable = False
