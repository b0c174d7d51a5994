"""The fake ServiceNow's records: its tables, what extends what, and a record as
OSR's account may see or write it (fields the table has, less those an ACL hides
or refuses)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from .fake_rest import now_text
from .fake_schema import EXTENDS, Schema
from .fake_tables import REFERENCES, EncodedQuery, IndexedTable, new_sys_id


class FakeRecords:
    """The record-keeping half of a ``FakeServiceNow``."""

    tables: dict[str, IndexedTable]
    schema: Schema
    base_url: str
    _lock: threading.RLock
    _numbers: Iterator[int]

    def table(self, name: str) -> IndexedTable:
        if name not in self.tables:
            self.tables[name] = IndexedTable(name)
        return self.tables[name]

    def seed(self, table: str, **fields: Any) -> dict:
        """Add a record directly (not counted as a request) and return it.

        A field the table does not have is added to it, as an administrator
        of the instance would add a custom field.
        """
        with self._lock:
            unknown = set(fields) - self.schema.known(table)
            self.schema.add(table, *unknown)
            return self._insert(table, {k: str(v) for k, v in fields.items()})

    def records(self, table: str) -> list[dict]:
        """Every record of a table and of the tables extending it."""
        with self._lock:
            return [row for t in self._family(table) for row in t.select(EncodedQuery())]

    def _query(self, table: str, params: dict) -> EncodedQuery:
        readable = {
            name
            for name in self.schema.known(table)
            if self.schema.field_allowed(table, "read", name)
        }
        return EncodedQuery.parse(params.get("sysparm_query", ""), readable)

    def _writable(self, table: str, values: dict) -> dict[str, str]:
        """What of a write the instance keeps: fields it has and the account may write."""
        known = self.schema.known(table)
        return {
            k: str(v)
            for k, v in values.items()
            if k in known and self.schema.field_allowed(table, "write", k)
        }

    def _insert(self, table: str, values: dict) -> dict:
        now = now_text()
        record = {k: str(v) for k, v in values.items()}
        record.setdefault("sys_id", new_sys_id())
        record |= {"sys_class_name": table, "sys_created_on": now, "sys_updated_on": now}
        record.setdefault("sys_mod_count", "0")
        if table == "change_request":
            record.setdefault("number", f"CHG{next(self._numbers):07d}")
        self.table(table).put(record)
        return record

    def _family(self, table: str) -> list[IndexedTable]:
        names = {table}
        changed = True
        while changed:
            more = {child for child, parent in EXTENDS.items() if parent in names}
            changed = not more <= names
            names |= more
        return [self.tables[n] for n in sorted(names) if n in self.tables]

    def _find(self, table: str, sys_id: str) -> tuple[IndexedTable, dict] | None:
        for owner in self._family(table):
            if sys_id in owner.rows:
                return owner, owner.rows[sys_id]
        return None

    def _display(self, name: str, value: str) -> str:
        if name in REFERENCES and value:
            found = self._find(REFERENCES[name], value)
            if found:
                record = found[1]
                return record.get("name") or record.get("number") or record.get("email") or value
        return value

    def _link(self, table: str, sys_id: str) -> str:
        return f"{self.base_url}/api/now/table/{table}/{sys_id}"

    def _out(self, table: str, record: dict, fields, display: str) -> dict:
        """A record as the account may see it: fields the table has, less those hidden."""
        visible = {
            name
            for name in self.schema.known(table)
            if self.schema.field_allowed(table, "read", name)
        }
        shown: dict[str, Any] = {}
        for name in [f for f in fields or list(record) if f in visible]:
            value = record.get(name, "")
            if name in REFERENCES and value:
                link = self._link(REFERENCES[name], value)
                if display == "true":
                    shown[name] = self._display(name, value)
                elif display == "all":
                    shown[name] = {
                        "display_value": self._display(name, value),
                        "link": link,
                        "value": value,
                    }
                else:
                    shown[name] = {"link": link, "value": value}
            else:
                shown[name] = value
        return {"result": shown}
