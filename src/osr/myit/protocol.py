"""What MyIT's REST answers mean: errors, credentials and the shapes of answers.

The client (``client.py``) sends the requests; this reads what comes back:
ServiceNow's error bodies in every shape its endpoints use, the ``Link``
header's next page, Change Management and Batch API answers, and what an
encoded query can carry.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

# Refusals of one request (an ACL, a business rule, a data policy, a record gone):
# they concern one record, so a sync goes on with the next service.
_REFUSALS_OF_ONE = {400, 403, 404, 409, 422}
OPERATIONS = {"GET": "read", "POST": "create", "PATCH": "write", "PUT": "write"}


class MyitError(Exception):
    """ServiceNow refused or failed a request; the message is ServiceNow's own."""

    def __init__(
        self, message: str, *, status: int | None = None, detail: str = "", refused: str = ""
    ):
        self.message = message
        self.status = status
        self.detail = detail
        # For a 403: the operation and table refused ("create cmdb_ci_service_business").
        self.refused = refused
        text = f"MyIT answered {status}: {message}" if status else f"MyIT: {message}"
        super().__init__(f"{text} ({detail})" if detail else text)

    @property
    def stops_run(self) -> bool:
        """Whether later requests would fail the same way (sign-in, outage), not just this one."""
        return self.status not in _REFUSALS_OF_ONE


class MyitUnavailable(MyitError):
    """MyIT still failed, timed out or limited us after every attempt."""


class MyitNotConfigured(MyitError):
    """No MyIT address or credentials are configured."""


# What each request of a batch came to: the record, or the error it met.
Answers = list[dict[str, Any] | MyitError]


@dataclass(frozen=True)
class Credentials:
    """How to sign in to MyIT: Basic (username, password) or OAuth.

    With a client id, OAuth: the password grant when a username and password
    are given too (many instances allow only that grant for integrations),
    else the client-credentials grant.
    """

    username: str = ""
    password: str = ""
    client_id: str = ""
    client_secret: str = ""

    def __repr__(self) -> str:  # never print a secret, even by accident
        kind = "oauth" if self.client_id else "basic"
        return f"Credentials({kind}, user={self.username or self.client_id!r})"

    @property
    def uses_oauth(self) -> bool:
        return bool(self.client_id)

    @property
    def grant(self) -> str:
        return "password" if self.username and self.password else "client_credentials"


def no_cookies() -> http.cookiejar.CookieJar:
    """A cookie jar that keeps nothing.

    ServiceNow processes requests that share a session cookie one at a time,
    so OSR never sends the instance's cookies back.
    """
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def json_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON answer, or an error naming what came back instead (a sign-in page, say)."""
    try:
        body = response.json()
    except ValueError as error:
        kind = response.headers.get("Content-Type", "unknown").split(";")[0]
        raise MyitError(f"the answer is not JSON ({kind})", status=response.status_code) from error
    if not isinstance(body, dict) or "result" not in body:
        raise MyitError("the answer has no result", status=response.status_code)
    return body


def next_offset(response: httpx.Response) -> int | None:
    """The offset of the next page from the ``Link`` header, if there is one."""
    next_link = response.links.get("next", {}).get("url")
    if not next_link:
        return None
    values = parse_qs(urlsplit(next_link).query).get("sysparm_offset")
    return int(values[0]) if values else None


def message_of(response: httpx.Response) -> tuple[str, str]:
    """The error's message and detail, whatever shape the failure body has.

    The Table API answers ``{"error": {"message", "detail"}}``; the token
    endpoint ``{"error": "invalid_client", "error_description": ...}``; a
    proxy or sign-in page answers no JSON at all.
    """
    fallback = response.reason_phrase or f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return (fallback, "")
    if not isinstance(body, dict):
        return (fallback, "")
    error = body.get("error")
    if isinstance(error, dict):
        return (str(error.get("message") or fallback), str(error.get("detail") or ""))
    if isinstance(error, str) and error:
        return (error, str(body.get("error_description") or ""))
    return (fallback, "")


def refused_action(method: str, path: str) -> str:
    """The operation and table a 403 refused, to name the access OSR's account lacks."""
    parts = [p for p in path.split("/") if p]
    table = parts[parts.index("table") + 1] if "table" in parts[:-1] else "change_request"
    return f"{OPERATIONS.get(method, 'delete')} {table}"


def answer_of(served: dict[str, Any] | None, method: str, table: str):
    """One request's record from a Batch API answer, or the error it met."""
    if served is None:
        return MyitError("MyIT's batch left the request unserviced", status=400)
    status = int(served.get("status_code") or 500)
    try:
        body = json.loads(base64.b64decode(served.get("body") or b"") or b"{}")
    except ValueError:
        body = {}
    if status < 400 and isinstance(body.get("result"), dict):
        return body["result"]
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    refused = f"{OPERATIONS.get(method, 'delete')} {table}" if status == 403 else ""
    return MyitError(
        str(error.get("message") or f"HTTP {status}"),
        status=status,
        detail=str(error.get("detail") or ""),
        refused=refused,
    )


def batch_request(chunk) -> dict[str, Any]:
    """A Batch API request of Table API requests: (method, table, sys_id, body) each."""
    json_headers = [
        {"name": "Accept", "value": "application/json"},
        {"name": "Content-Type", "value": "application/json"},
    ]
    rest_requests = [
        {
            "id": str(n),
            "method": method,
            "url": f"/api/now/table/{table}" + (f"/{sys_id}" if method != "POST" else ""),
            "headers": json_headers,
            "body": base64.b64encode(json.dumps(body or {}).encode()).decode("ascii"),
        }
        for n, (method, table, sys_id, body) in enumerate(chunk)
    ]
    return {"batch_request_id": uuid.uuid4().hex, "rest_requests": rest_requests}


def change_of(result: Any) -> dict[str, Any]:
    """The change in a Change Management answer: documented as a list, at times an object."""
    if isinstance(result, list):
        result = result[0] if result else {}
    if not isinstance(result, dict):
        raise MyitError("the change answer holds no change")
    return {k: plain_value(v) for k, v in result.items() if not k.startswith("__")}


def plain_value(value: Any) -> Any:
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def escape(value: str) -> str:
    """A value for an encoded query, where ``^`` separates conditions.

    ServiceNow defines no escape for ``^`` (``^^`` is not one), so a value
    holding it cannot be asked for exactly: callers look such a value up by
    what precedes the caret (``STARTSWITH``) and compare the rest themselves.
    """
    text = str(value)
    if "^" in text:
        raise MyitError(f"{text!r} holds ^, which a MyIT query cannot carry")
    return text


def query_prefix(value: str) -> str:
    """What of a value a query can carry: the part before any ``^``."""
    return str(value).split("^", 1)[0]
