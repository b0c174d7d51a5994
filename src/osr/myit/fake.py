"""A fake ServiceNow speaking the REST protocol MyIT speaks, on 127.0.0.1.

For development (``osr fake-myit``), the tests and the benchmark. It serves the
Table API (``/api/now/table`` and ``/api/now/v2/table``, ``fake_table_api.py``,
over the records of ``fake_records.py``), the Change Management API
(``fake_change.py``), the Batch API (``/api/now/v1/batch``) and OAuth
tokens by the client-credentials or password grant (``/oauth_token.do``), with
ServiceNow's paging headers, reference fields and error bodies.

It is as strict as ServiceNow's documentation: fields a table does not have
(``fake_schema.py``) are ignored in writes, reads and queries; ``Accept`` and
``Content-Type`` must be JSON; configured ACLs answer 403 or hide fields; an
hourly rate limit answers 429 with ``Retry-After`` past its limit, and every
answer carries the ``X-RateLimit-*`` headers. Its clock can be moved on
(``advance``) so a test or benchmark need not wait an hour. Faults are switched
on per test: 429, 5xx, slow answers. It counts requests by method, so a test or
benchmark can show that a second sync writes nothing.
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import fake_http
from .fake_access import count_against_limit, token_answer
from .fake_change import change_api, seed_models
from .fake_records import FakeRecords
from .fake_rest import ServiceNowError, batch_api, check_media_types, error_body, json_object
from .fake_schema import Acl, Schema
from .fake_table_api import table_api
from .fake_tables import IndexedTable

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


class FakeServiceNow(FakeRecords):
    """A fake ServiceNow instance; ``start()`` serves it on a free local port."""

    def __init__(
        self,
        *,
        username: str = "osr",
        password: str = "fake-password",
        client_id: str = "osr-client",
        client_secret: str = "fake-client-secret",
        grants: tuple[str, ...] = ("client_credentials", "password"),
    ):
        self.username, self.password = username, password
        self.client_id, self.client_secret = client_id, client_secret
        self.grants = grants
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""
        self._clock_offset = 0.0
        self.reset()

    # -- State ---------------------------------------------------------------

    def reset(self) -> None:
        """Forget every record, count, fault, ACL and limit, and seed the reference data."""
        with self._lock:
            self.tables: dict[str, IndexedTable] = {}
            self.schema = Schema()
            self.faults: list[Fault] = []
            self.requests: Counter[str] = Counter()
            self.requests_with_cookie = 0
            self.limit_per_hour = 0  # 0: no rate limit rule applies
            self.limit_rule = ""
            self._window = (0, 0)  # (hour started at, requests in it)
            self.batch_api = True
            self._tokens: dict[str, float] = {}
            self._numbers = itertools.count(30001)
            self.seed("cmdb_rel_type", name="Depends on::Used by")
            self.seed("cmdb_rel_type", name="Sends Data To::Receives Data From")
            self.seed("cmdb_rel_type", name="Runs on::Runs")
            seed_models(self)

    def inject(self, **fault: Any) -> Fault:
        """Answer matching requests with a fault; see ``Fault``."""
        added = Fault(**fault)
        with self._lock:
            self.faults.append(added)
        return added

    def remove_field(self, table: str, name: str) -> None:
        """Take a field out of the instance, as if it had never been created."""
        with self._lock:
            self.schema.remove(table, name)

    def deny(self, table: str, operation: str, field: str = "") -> None:
        """An ACL refusing OSR's account an operation on a table, or on one of its fields.

        ``read`` of a field hides it from every answer; ``write`` of a field
        leaves it as it was while the rest of a write goes through.
        """
        with self._lock:
            self.schema.acls.append(Acl(table, operation, field))

    def rate_limit(self, per_hour: int, rule: str = "OSR integration user") -> None:
        """An inbound REST rate limit rule, counted per clock hour as ServiceNow counts."""
        with self._lock:
            self.limit_per_hour, self.limit_rule = per_hour, rule

    def now(self) -> float:
        """The instance's clock, in seconds since the epoch."""
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the instance's clock on (a benchmark's hour need not take one)."""
        with self._lock:
            self._clock_offset += max(seconds, 0.0)

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
            limits, over = count_against_limit(self)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                if fault.status == 429:
                    extra |= {"X-RateLimit-Limit": "100", "X-RateLimit-Rule": "osr-fake"}
                return fault.status, extra, error_body(fault.message, "Injected by the fake")
        if over:
            detail = f"Rate limit rule {self.limit_rule!r}: {self.limit_per_hour} an hour"
            return 429, limits, error_body("Rate limit exceeded", detail)
        try:
            if path == "/oauth_token.do" and method == "POST":
                status, extra, answer = token_answer(self, body)
                return status, extra | limits, answer
            check_media_types(method, headers, body)
            self._authenticate(headers.get("authorization", ""))
            with self._lock:
                status, extra, answer = self._route(method, path, params, body)
            return status, extra | limits, answer
        except ServiceNowError as error:
            return error.status, limits, error_body(error.message, error.detail)

    def _fault_for(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.applies(method, path):
                if fault.after > 0:
                    fault.after -= 1
                    return None
                fault.times -= 1
                return fault
        return None

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
            rest = segments[3:] if segments[2:3] in (["v1"], ["v2"]) else segments[2:]
            if rest[:1] == ["table"] and len(rest) in (2, 3):
                sys_id = rest[2] if len(rest) == 3 else ""
                return table_api(self, method, rest[1], sys_id, params, body)
            if rest == ["batch"] and method == "POST" and self.batch_api:
                return batch_api(self, json_object(body))
        if segments[:3] == ["api", "sn_chg_rest", "change"] and method == "POST":
            values = {k: v for k, v in params.items() if not k.startswith("sysparm")}
            return change_api(self, segments[3:], values | json_object(body))
        raise ServiceNowError(400, "Requested URI does not represent any resource", path)
