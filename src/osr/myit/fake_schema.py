"""What the fake ServiceNow's tables hold, and who may read and write them.

A real instance knows its fields from its dictionary: a field it does not have
is ignored in a write, left out of ``sysparm_fields`` and dropped from a query,
without an error. The fake does the same from this schema. Fields are given for
the table that defines them; a table has its own and those of every table it
extends (``EXTENDS``).

Access control follows ServiceNow's ACLs: a table-level refusal answers 403, a
field the account may not read is left out of every answer, and a field it may
not write keeps its value while the rest of the write goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SYSTEM_FIELDS = {
    "sys_id",
    "sys_class_name",
    "sys_created_on",
    "sys_created_by",
    "sys_updated_on",
    "sys_updated_by",
    "sys_mod_count",
}

# Tables that extend another: a query on the parent also returns the child's rows.
EXTENDS = {
    "cmdb_ci_service": "cmdb_ci",
    "cmdb_ci_service_business": "cmdb_ci_service",
    "cmdb_ci_service_auto": "cmdb_ci_service",
    "cmdb_ci_service_discovered": "cmdb_ci_service_auto",
    "cmdb_ci_service_technical": "cmdb_ci_service",
    "service_offering": "cmdb_ci_service",
    "change_request": "task",
}

_CI = """name short_description description operational_status install_status support_group
change_control managed_by owned_by assigned_to assignment_group correlation_id
life_cycle_stage life_cycle_stage_status company location"""
_TASK = """number short_description description state assignment_group assigned_to cmdb_ci
business_service service_offering correlation_id correlation_display work_notes comments
impact urgency priority risk active opened_by"""

TABLE_FIELDS: dict[str, set[str]] = {
    "cmdb_ci": set(_CI.split()),
    "cmdb_ci_service": {"busines_criticality", "service_classification", "parent", "version"},
    "cmdb_ci_service_business": set(),
    "cmdb_ci_service_auto": {"type"},
    "cmdb_ci_service_discovered": set(),
    "cmdb_ci_service_technical": set(),
    "service_offering": {"vendor", "service_level_requirement"},
    "cmdb_rel_ci": {"parent", "child", "type", "connection_strength", "percent_outage"},
    "cmdb_rel_type": {"name", "parent_descriptor", "child_descriptor"},
    "sys_user_group": {"name", "email", "description", "manager", "type", "active", "parent"},
    "sys_user_grmember": {"group", "user"},
    "sys_user": {"name", "user_name", "email", "first_name", "last_name", "active"},
    "task": set(_TASK.split()),
    # u_external_link is MyIT's own field for the link a change came from.
    "change_request": {
        "type",
        "chg_model",
        "category",
        "start_date",
        "end_date",
        "std_change_producer_version",
        "implementation_plan",
        "backout_plan",
        "test_plan",
        "justification",
        "u_external_link",
    },
    "chg_model": {"name", "type", "active", "description"},
    "std_change_record_producer": {"name", "active", "template", "short_description"},
    "std_change_template": {"name", "template", "active"},
    "std_change_proposal": {"name", "short_description", "template_value"},
    "ast_contract": {"number", "short_description", "vendor", "starts", "ends"},
    # Read-only, made from this schema: tables and what each extends; fields and where.
    "sys_db_object": {"name", "super_class"},
    "sys_dictionary": {"name", "element"},
}

OPERATIONS = ("read", "create", "write", "delete")


def ancestry(table: str) -> list[str]:
    """The table and the tables it extends, nearest first."""
    chain = [table]
    while chain[-1] in EXTENDS:
        chain.append(EXTENDS[chain[-1]])
    return chain


@dataclass
class Acl:
    """A refusal: of an operation on a whole table, or of reading or writing one field."""

    table: str
    operation: str  # read, create, write or delete
    field: str = ""


@dataclass
class Schema:
    """The fields of each table of one fake instance, and its ACLs."""

    fields: dict[str, set[str]] = field(
        default_factory=lambda: {t: set(f) for t, f in TABLE_FIELDS.items()}
    )
    acls: list[Acl] = field(default_factory=list)

    def known(self, table: str) -> set[str]:
        """Every field a record of the table can have."""
        names = set(SYSTEM_FIELDS)
        for name in ancestry(table):
            names |= self.fields.get(name, set())
        return names

    def has_table(self, table: str) -> bool:
        return table in self.fields

    def add(self, table: str, *names: str) -> None:
        self.fields.setdefault(table, set()).update(names)

    def remove(self, table: str, name: str) -> None:
        """Take a field out of the table and every table it extends (as if never created)."""
        for owner in ancestry(table):
            self.fields.get(owner, set()).discard(name)

    def allowed(self, table: str, operation: str) -> bool:
        chain = set(ancestry(table))
        return not any(
            a.operation == operation and not a.field and a.table in chain for a in self.acls
        )

    def field_allowed(self, table: str, operation: str, name: str) -> bool:
        chain = set(ancestry(table))
        return not any(
            a.operation == operation and a.field == name and a.table in chain for a in self.acls
        )
