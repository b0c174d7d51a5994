"""The fake ServiceNow's Table API (``/api/now/table/{table}``, v1 and v2): reads
with ServiceNow's paging headers, creates, patches and deletes, as strict as the
instance's schema and ACLs."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .fake_rest import (
    DICTIONARY_TABLES,
    ServiceNowError,
    dictionary_rows,
    json_object,
    now_text,
    refused,
)
from .fake_tables import order_rows

if TYPE_CHECKING:
    from .fake import FakeServiceNow


def table_api(
    fake: FakeServiceNow, method: str, table: str, sys_id: str, params: dict, body: bytes
):
    """Answer a Table API request: (status, headers, JSON-able body)."""
    if table in DICTIONARY_TABLES and method == "GET" and not sys_id:
        query = fake._query(table, params)
        rows = [r for r in dictionary_rows(fake, table) if query.matches(r)]
        return _list(fake, table, params, rows, [], "false")
    if not fake.schema.has_table(table):
        raise ServiceNowError(400, f"Invalid table {table}")
    fields = [f for f in params.get("sysparm_fields", "").split(",") if f]
    display = params.get("sysparm_display_value", "false")
    operation = {"GET": "read", "POST": "create", "DELETE": "delete"}.get(method, "write")
    if not fake.schema.allowed(table, operation):
        raise refused(table, operation)
    if method == "GET" and not sys_id:
        rows = [row for t in fake._family(table) for row in t.select(fake._query(table, params))]
        return _list(fake, table, params, rows, fields, display)
    if method == "POST" and not sys_id:
        record = fake._insert(table, fake._writable(table, json_object(body)))
        location = {"Location": fake._link(table, record["sys_id"])}
        return 201, location, fake._out(table, record, fields, display)
    found = fake._find(table, sys_id)
    if found is None:
        raise ServiceNowError(
            404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
        )
    owner, record = found
    if method == "GET":
        return 200, {}, fake._out(table, record, fields, display)
    if method in ("PATCH", "PUT"):
        changes = fake._writable(table, json_object(body))
        changes.pop("sys_id", None)
        if any(str(record.get(k, "")) != v for k, v in changes.items()):
            record = record | changes | {"sys_updated_on": now_text()}
            record["sys_mod_count"] = str(int(record.get("sys_mod_count", "0")) + 1)
            owner.put(record)
        return 200, {}, fake._out(table, record, fields, display)
    if method == "DELETE":
        owner.delete(sys_id)
        return 204, {}, None
    raise ServiceNowError(405, "Method not Supported", method)


def _list(
    fake: FakeServiceNow,
    table: str,
    params: dict,
    rows: list[dict],
    fields=(),
    display: str = "false",
):
    query = fake._query(table, params)
    rows = order_rows(rows, query.order)
    limit = _int(params.get("sysparm_limit"), 10000)
    offset = _int(params.get("sysparm_offset"), 0)
    total = len(rows)
    page = rows[offset : offset + limit]
    headers = {"X-Total-Count": str(total), "Link": _paging_links(fake, table, params, total)}
    return (
        200,
        headers,
        {"result": [fake._out(table, r, fields, display)["result"] for r in page]},
    )


def _paging_links(fake: FakeServiceNow, table: str, params: dict, total: int) -> str:
    limit = max(_int(params.get("sysparm_limit"), 10000), 1)
    offset = _int(params.get("sysparm_offset"), 0)
    last = max(((total - 1) // limit) * limit, 0)
    rels = [("first", 0)]
    if offset > 0:
        rels.append(("prev", max(offset - limit, 0)))
    if offset + limit < total:
        rels.append(("next", offset + limit))
    rels.append(("last", last))
    url = f"{fake.base_url}/api/now/table/{table}?"
    return ",".join(
        f'<{url}{urlencode(params | {"sysparm_offset": at})}>;rel="{rel}"' for rel, at in rels
    )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
