"""The records of the fake ServiceNow, and its encoded-query language.

Tables hold records by ``sys_id`` and answer ServiceNow encoded queries:
``^`` is AND, ``^OR`` is OR (binding tighter than AND, as in ServiceNow),
operators ``=``, ``!=``, ``LIKE``, ``NOT LIKE``, ``STARTSWITH``, ``ENDSWITH``,
``IN``, ``NOT IN``, ``ISEMPTY``, ``ISNOTEMPTY``, and ``ORDERBY`` /
``ORDERBYDESC``. Parts it does not understand, and conditions on fields the
table does not have, are ignored, as ServiceNow does. ``^`` always separates
parts: ServiceNow defines no way to escape it inside a value.
Equality and ``IN`` use an index built on first use so that a fake holding tens
of thousands of records still answers quickly.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

# Reference fields and the table they point at.
REFERENCES = {
    "parent": "cmdb_ci",
    "child": "cmdb_ci",
    "type": "cmdb_rel_type",
    "support_group": "sys_user_group",
    "change_control": "sys_user_group",
    "assignment_group": "sys_user_group",
    "approval_group": "sys_user_group",
    "owned_by": "sys_user",
    "managed_by": "sys_user",
    "manager": "sys_user",
    "group": "sys_user_group",
    "user": "sys_user",
    "business_service": "cmdb_ci_service",
    "service_offering": "service_offering",
    "cmdb_ci": "cmdb_ci",
    "std_change_producer_version": "std_change_record_producer",
}

_CONDITION = re.compile(
    r"^([a-z0-9_.]+)(ISNOTEMPTY|ISEMPTY|NOT LIKE|NOT IN|STARTSWITH|ENDSWITH|LIKE|IN|!=|=)(.*)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class QueryCondition:
    field: str
    operator: str
    value: str

    def matches(self, record: dict) -> bool:
        actual = str(record.get(self.field) or "")
        op, value = self.operator, self.value
        if op == "=":
            return actual == value
        if op == "!=":
            return actual != value
        if op in ("IN", "NOT IN"):
            inside = actual in value.split(",")
            return inside if op == "IN" else not inside
        if op in ("LIKE", "NOT LIKE"):
            found = value.lower() in actual.lower()
            return found if op == "LIKE" else not found
        if op == "STARTSWITH":
            return actual.lower().startswith(value.lower())
        if op == "ENDSWITH":
            return actual.lower().endswith(value.lower())
        if op == "ISEMPTY":
            return actual == ""
        return actual != ""  # ISNOTEMPTY

    @property
    def indexable(self) -> bool:
        return self.operator in ("=", "IN")


@dataclass
class EncodedQuery:
    """An AND of OR-groups of conditions, and an ordering."""

    groups: list[list[QueryCondition]] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)

    @classmethod
    def parse(cls, text: str, known: set[str] | None = None) -> EncodedQuery:
        """The query's conditions; with ``known``, those on other fields are dropped.

        ServiceNow drops a condition on a field the table does not have and
        runs the rest, so such a query can select far more than was meant.
        """

        def understood(name: str) -> bool:
            return known is None or name.split(".")[0] in known

        query = cls()
        for part in [p for p in (text or "").split("^") if p]:
            if part.startswith("ORDERBYDESC"):
                if understood(part[len("ORDERBYDESC") :]):
                    query.order.append((part[len("ORDERBYDESC") :], True))
            elif part.startswith("ORDERBY"):
                if understood(part[len("ORDERBY") :]):
                    query.order.append((part[len("ORDERBY") :], False))
            elif part.startswith("OR") and query.groups:
                condition = _condition(part[2:])
                if condition and understood(condition.field):
                    query.groups[-1].append(condition)
            else:
                condition = _condition(part)
                if condition and understood(condition.field):
                    query.groups.append([condition])
        return query

    def matches(self, record: dict) -> bool:
        return all(any(c.matches(record) for c in group) for group in self.groups)


def _condition(text: str) -> QueryCondition | None:
    match = _CONDITION.match(text)
    return QueryCondition(match[1], match[2], match[3]) if match else None


def new_sys_id() -> str:
    return uuid.uuid4().hex


class IndexedTable:
    """The records of one table, with indexes on the fields queried by equality."""

    def __init__(self, name: str):
        self.name = name
        self.rows: dict[str, dict] = {}
        self._order: dict[str, int] = {}
        self._indexes: dict[str, dict[str, set[str]]] = {}
        self._sequence = itertools.count()

    def put(self, record: dict) -> None:
        sys_id = record["sys_id"]
        old = self.rows.get(sys_id)
        for name, index in self._indexes.items():
            if old is not None:
                index[str(old.get(name) or "")].discard(sys_id)
            index[str(record.get(name) or "")].add(sys_id)
        self.rows[sys_id] = record
        self._order.setdefault(sys_id, next(self._sequence))

    def delete(self, sys_id: str) -> None:
        old = self.rows.pop(sys_id)
        for name, index in self._indexes.items():
            index[str(old.get(name) or "")].discard(sys_id)

    def _index(self, name: str) -> dict[str, set[str]]:
        if name not in self._indexes:
            index: dict[str, set[str]] = defaultdict(set)
            for sys_id, record in self.rows.items():
                index[str(record.get(name) or "")].add(sys_id)
            self._indexes[name] = index
        return self._indexes[name]

    def candidates(self, query: EncodedQuery) -> set[str] | None:
        """The sys_ids that can match, from the indexes; None when no index helps."""
        found: set[str] | None = None
        for group in query.groups:
            if not all(c.indexable for c in group):
                continue
            ids: set[str] = set()
            for c in group:
                index = self._index(c.field)
                for value in c.value.split(",") if c.operator == "IN" else [c.value]:
                    ids |= index.get(value, set())
            found = ids if found is None else found & ids
        return found

    def select(self, query: EncodedQuery) -> list[dict]:
        candidates = self.candidates(query)
        ids = self.rows.keys() if candidates is None else candidates
        rows = [self.rows[i] for i in ids if i in self.rows and query.matches(self.rows[i])]
        rows.sort(key=lambda r: self._order[r["sys_id"]])
        return rows


def order_rows(rows: list[dict], order: list[tuple[str, bool]]) -> list[dict]:
    for name, descending in reversed(order):

        def value(row: dict, field: str = name) -> str:
            return str(row.get(field) or "")

        rows.sort(key=value, reverse=descending)
    return rows
