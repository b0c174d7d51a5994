"""What the fake ServiceNow shares between its APIs: errors, media types, the
Batch API and the dictionary tables.

The Batch API (``POST /api/now/v1/batch``) takes ``rest_requests``, each with
an ``id``, ``method``, ``url``, ``headers`` as name/value pairs and a base64
``body``, and answers ``serviced_requests`` in the same shape with a
``status_code``, plus ``unserviced_requests`` for those it did not run.

``sys_db_object`` (tables and what each extends) and ``sys_dictionary`` (the
fields each table defines) are read from the fake's schema, so a client can
check which of the tables and fields it writes the instance has.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .fake_schema import EXTENDS, SYSTEM_FIELDS

if TYPE_CHECKING:
    from .fake import FakeServiceNow

DICTIONARY_TABLES = ("sys_db_object", "sys_dictionary")


class ServiceNowError(Exception):
    def __init__(self, status: int, message: str, detail: str | None = None):
        self.status, self.message, self.detail = status, message, detail


def error_body(message: str, detail: str | None = None) -> dict:
    return {"error": {"message": message, "detail": detail}, "status": "failure"}


def json_object(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except ValueError as error:
        raise ServiceNowError(400, "Exception while reading request", "Invalid JSON") from error
    if not isinstance(value, dict):
        raise ServiceNowError(400, "Exception while reading request", "Expected an object")
    return value


def check_media_types(method: str, headers: dict[str, str], body: bytes) -> None:
    """JSON asked for with ``Accept``, and a body sent as JSON, as the REST APIs require."""
    accept = headers.get("accept", "")
    if "application/json" not in accept and "*/*" not in accept:
        raise ServiceNowError(406, "Not Acceptable", f"Accept {accept or '(none)'} not supported")
    content_type = headers.get("content-type", "").split(";")[0].strip()
    if body and method in ("POST", "PUT", "PATCH") and content_type != "application/json":
        raise ServiceNowError(
            415, "Unsupported Media Type", f"Content-Type {content_type or '(none)'}"
        )


def refused(table: str, operation: str) -> ServiceNowError:
    """ServiceNow's answer to an operation an ACL refuses."""
    if operation == "read":
        return ServiceNowError(
            403, "Insufficient rights to query records", f"No read access to {table}"
        )
    verb = {"create": "Insert", "write": "Update", "delete": "Delete"}[operation]
    return ServiceNowError(
        403, "Operation Failed", f"ACL Exception {verb} Failed due to security constraints"
    )


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def dictionary_rows(fake: FakeServiceNow, table: str) -> list[dict[str, str]]:
    """The rows of ``sys_db_object`` or ``sys_dictionary``, as the schema has them."""
    tables = sorted(fake.schema.fields)
    if table == "sys_db_object":
        return [
            {"sys_id": _id("t", name), "name": name, "super_class": EXTENDS.get(name, "")}
            for name in tables
        ]
    rows = []
    for name in tables:
        own = fake.schema.fields[name] | (SYSTEM_FIELDS if name not in EXTENDS else set())
        for element in sorted(own):
            rows.append({"sys_id": _id("d", name, element), "name": name, "element": element})
    return rows


def _id(*parts: str) -> str:
    return hashlib.md5(":".join(parts).encode(), usedforsecurity=False).hexdigest()


def batch_api(fake: FakeServiceNow, request: dict[str, Any]):
    """Run each of a batch's requests as if sent alone, and answer them together."""
    served, unserved = [], []
    for inner in request.get("rest_requests") or []:
        ident = str(inner.get("id", ""))
        url = str(inner.get("url", ""))
        method = str(inner.get("method", "GET")).upper()
        if not url.startswith("/api/") or "/batch" in url:
            unserved.append(ident)
            continue
        headers = {str(h["name"]).lower(): str(h["value"]) for h in inner.get("headers") or []}
        body = base64.b64decode(inner["body"]) if inner.get("body") else b""
        parts = urlsplit(url)
        params = dict(_pairs(parts.query))
        try:
            check_media_types(method, headers, body)
            status, extra, answer = fake._route(method, parts.path, params, body)
        except ServiceNowError as error:
            status, extra, answer = error.status, {}, error_body(error.message, error.detail)
        data = json.dumps(answer).encode() if answer is not None else b""
        served.append(
            {
                "id": ident,
                "status_code": status,
                "status_text": "OK" if status < 400 else "Error",
                "headers": [{"name": k, "value": v} for k, v in extra.items()]
                + [{"name": "Content-Type", "value": "application/json;charset=UTF-8"}],
                "body": base64.b64encode(data).decode("ascii"),
                "execution_time": 1,
            }
        )
    answer = {
        "batch_request_id": request.get("batch_request_id", ""),
        "serviced_requests": served,
        "unserviced_requests": unserved,
    }
    return 200, {}, answer


def _pairs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)
