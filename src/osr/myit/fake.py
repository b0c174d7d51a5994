"""A fake ServiceNow speaking the REST protocol MyIT speaks, on 127.0.0.1.

For development (``osr fake-myit``), the tests and the benchmark. It serves the
Table API (``/api/now/table`` and ``/api/now/v2/table``), the Change Management
API (``/api/sn_chg_rest/change/...``) and OAuth client-credentials tokens
(``/oauth_token.do``), with ServiceNow's paging headers, reference fields and
error bodies. Faults are switched on per test: 429 with ``Retry-After``, 5xx,
slow answers. It counts requests by method, so a test or benchmark can show
that a second sync writes nothing.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import fake_http
from .fake_tables import (
    EXTENDS,
    KNOWN_TABLES,
    REFERENCES,
    EncodedQuery,
    IndexedTable,
    new_sys_id,
    order_rows,
)

WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


@dataclass
class Fault:
    """A failure to answer with, the next ``times`` matching requests after ``after``."""

    status: int = 0  # 0: answer normally, only slowly
    times: int = 1
    retry_after: int | None = None
    delay: float = 0.0
    methods: tuple[str, ...] = ()
    path_contains: str = ""
    after: int = 0  # let this many matching requests through first
    message: str = "Internal server error"

    def applies(self, method: str, path: str) -> bool:
        if self.times <= 0:
            return False
        if self.methods and method not in self.methods:
            return False
        return self.path_contains in path


class ServiceNowError(Exception):
    def __init__(self, status: int, message: str, detail: str | None = None):
        self.status, self.message, self.detail = status, message, detail


class FakeServiceNow:
    """A fake ServiceNow instance; ``start()`` serves it on a free local port."""

    def __init__(
        self,
        *,
        username: str = "osr",
        password: str = "fake-password",
        client_id: str = "osr-client",
        client_secret: str = "fake-client-secret",
    ):
        self.username, self.password = username, password
        self.client_id, self.client_secret = client_id, client_secret
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""
        self.reset()

    # -- State ---------------------------------------------------------------

    def reset(self) -> None:
        """Forget every record, count and fault, and seed the reference data."""
        with self._lock:
            self.tables: dict[str, IndexedTable] = {}
            self.faults: list[Fault] = []
            self.requests: Counter[str] = Counter()
            self.requests_with_cookie = 0
            self._tokens: dict[str, float] = {}
            self._numbers = itertools.count(30001)
            self.seed("cmdb_rel_type", name="Depends on::Used by")
            self.seed("cmdb_rel_type", name="Sends Data To::Receives Data From")
            self.seed("cmdb_rel_type", name="Runs on::Runs")

    def table(self, name: str) -> IndexedTable:
        if name not in self.tables:
            self.tables[name] = IndexedTable(name)
        return self.tables[name]

    def seed(self, table: str, **fields: Any) -> dict:
        """Add a record directly (not counted as a request) and return it."""
        with self._lock:
            return self._insert(table, {k: str(v) for k, v in fields.items()})

    def records(self, table: str) -> list[dict]:
        """Every record of a table and of the tables extending it."""
        with self._lock:
            return [row for t in self._family(table) for row in t.select(EncodedQuery())]

    def inject(self, **fault: Any) -> Fault:
        """Answer matching requests with a fault; see ``Fault``."""
        added = Fault(**fault)
        with self._lock:
            self.faults.append(added)
        return added

    @property
    def writes(self) -> int:
        return sum(self.requests[m] for m in WRITE_METHODS)

    # -- Serving ---------------------------------------------------------------

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        fake = self

        class Handler(fake_http.MyitRequestHandler):
            service = fake

        self._server = fake_http.QuietServer((host, port), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.base_url

    def wait(self) -> None:
        """Serve until interrupted (Ctrl+C)."""
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeServiceNow:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- Behaviour -------------------------------------------------------------

    def handle(self, method: str, url: str, headers: dict[str, str], body: bytes):
        """Answer one request: (status, headers, JSON-able body)."""
        parts = urlsplit(url)
        path, params = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests[method] += 1
            if headers.get("cookie"):
                self.requests_with_cookie += 1
            fault = self._fault_for(method, path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                if fault.status == 429:
                    extra |= {"X-RateLimit-Limit": "100", "X-RateLimit-Rule": "osr-fake"}
                return fault.status, extra, _error(fault.message, "Injected by the fake")
        try:
            if path == "/oauth_token.do" and method == "POST":
                return self._token(body)
            self._authenticate(headers.get("authorization", ""))
            with self._lock:
                return self._route(method, path, params, body)
        except ServiceNowError as error:
            return error.status, {}, _error(error.message, error.detail)

    def _fault_for(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.applies(method, path):
                if fault.after > 0:
                    fault.after -= 1
                    return None
                fault.times -= 1
                return fault
        return None

    def _token(self, body: bytes):
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return 401, {}, {"error": "access_denied", "error_description": "access_denied"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + 1800
        return 200, {}, {"access_token": token, "token_type": "Bearer", "expires_in": 1799}

    def _authenticate(self, header: str) -> None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except ValueError:
                user = password = ""
            if (user, password) == (self.username, self.password):
                return
        elif scheme.lower() == "bearer" and self._tokens.get(value, 0) > time.monotonic():
            return
        raise ServiceNowError(401, "User Not Authenticated", "Required to provide Auth information")

    def _route(self, method: str, path: str, params: dict, body: bytes):
        segments = [s for s in path.split("/") if s]
        if segments[:2] == ["api", "now"]:
            rest = segments[3:] if segments[2:3] == ["v2"] else segments[2:]
            if rest[:1] == ["table"] and len(rest) in (2, 3):
                sys_id = rest[2] if len(rest) == 3 else ""
                return self._table_api(method, rest[1], sys_id, params, body)
        if segments[:3] == ["api", "sn_chg_rest", "change"] and method == "POST":
            return self._change_api(segments[3:], params, body)
        raise ServiceNowError(400, "Requested URI does not represent any resource", path)

    def _table_api(self, method: str, table: str, sys_id: str, params: dict, body: bytes):
        if table not in KNOWN_TABLES and table not in self.tables:
            raise ServiceNowError(400, f"Invalid table {table}")
        fields = [f for f in params.get("sysparm_fields", "").split(",") if f]
        display = params.get("sysparm_display_value", "false")
        if method == "GET" and not sys_id:
            return self._list(table, params, fields, display)
        if method == "POST" and not sys_id:
            record = self._insert(table, _json_object(body))
            location = {"Location": self._link(table, record["sys_id"])}
            return 201, location, self._out(record, fields, display)
        found = self._find(table, sys_id)
        if found is None:
            raise ServiceNowError(
                404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
            )
        owner, record = found
        if method == "GET":
            return 200, {}, self._out(record, fields, display)
        if method in ("PATCH", "PUT"):
            changes = {k: str(v) for k, v in _json_object(body).items() if k != "sys_id"}
            if any(str(record.get(k, "")) != v for k, v in changes.items()):
                record = record | changes | {"sys_updated_on": _now()}
                record["sys_mod_count"] = str(int(record.get("sys_mod_count", "0")) + 1)
                owner.put(record)
            return 200, {}, self._out(record, fields, display)
        if method == "DELETE":
            owner.delete(sys_id)
            return 204, {}, None
        raise ServiceNowError(405, "Method not Supported", method)

    def _list(self, table: str, params: dict, fields: list[str], display: str):
        query = EncodedQuery.parse(params.get("sysparm_query", ""))
        rows = [row for t in self._family(table) for row in t.select(query)]
        rows = order_rows(rows, query.order)
        limit = _int(params.get("sysparm_limit"), 10000)
        offset = _int(params.get("sysparm_offset"), 0)
        total = len(rows)
        page = rows[offset : offset + limit]
        headers = {"X-Total-Count": str(total), "Link": self._paging_links(table, params, total)}
        return 200, headers, {"result": [self._out(r, fields, display)["result"] for r in page]}

    def _paging_links(self, table: str, params: dict, total: int) -> str:
        limit = max(_int(params.get("sysparm_limit"), 10000), 1)
        offset = _int(params.get("sysparm_offset"), 0)
        last = max(((total - 1) // limit) * limit, 0)
        rels = [("first", 0)]
        if offset > 0:
            rels.append(("prev", max(offset - limit, 0)))
        if offset + limit < total:
            rels.append(("next", offset + limit))
        rels.append(("last", last))
        url = f"{self.base_url}/api/now/table/{table}?"
        return ",".join(
            f'<{url}{urlencode(params | {"sysparm_offset": at})}>;rel="{rel}"' for rel, at in rels
        )

    def _change_api(self, rest: list[str], params: dict, body: bytes):
        values = {k: str(v) for k, v in params.items() if not k.startswith("sysparm")}
        values |= {k: str(v) for k, v in _json_object(body).items()}
        if rest[:1] == ["standard"] and len(rest) == 2:
            template = self._find("std_change_record_producer", rest[1])
            if template is None or template[1].get("active", "true") == "false":
                raise ServiceNowError(404, "Standard change template not found", rest[1])
            values |= {"type": "standard", "std_change_producer_version": rest[1]}
            values.setdefault("chg_model", "Standard")
        elif rest in (["normal"], ["emergency"]):
            values |= {"type": rest[0]}
            values.setdefault("chg_model", rest[0].capitalize())
        else:
            raise ServiceNowError(400, "Requested URI does not represent any resource")
        values.setdefault("state", "-5" if values["type"] != "standard" else "-2")
        record = self._insert("change_request", values)
        result = {k: {"value": v, "display_value": self._display(k, v)} for k, v in record.items()}
        return 200, {}, {"result": result}

    # -- Records ---------------------------------------------------------------

    def _insert(self, table: str, values: dict) -> dict:
        now = _now()
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

    def _out(self, record: dict, fields: list[str], display: str) -> dict:
        shown: dict[str, Any] = {}
        for name in fields or list(record):
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


def _error(message: str, detail: str | None = None) -> dict:
    return {"error": {"message": message, "detail": detail}, "status": "failure"}


def _json_object(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except ValueError as error:
        raise ServiceNowError(400, "Exception while reading request", "Invalid JSON") from error
    if not isinstance(value, dict):
        raise ServiceNowError(400, "Exception while reading request", "Expected an object")
    return value


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
