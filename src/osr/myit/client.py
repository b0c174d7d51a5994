"""The one place OSR talks to MyIT, Defra's ServiceNow instance.

ServiceNow's Table API (``/api/now/table/{table}``) and Change Management API
(``/api/sn_chg_rest/change/...``), over httpx, with Basic or OAuth client
credentials. Rate limits and server errors are retried a bounded number of
times; what still fails raises ``MyitError`` carrying ServiceNow's own message.

Credentials are read from settings (the environment or ``*_FILE`` secrets) and
never logged: log lines name the method, table and status only.
"""

from __future__ import annotations

import base64
import http.cookiejar
import logging
import random
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from django.conf import settings

log = logging.getLogger(__name__)

# Answers that show a create was not processed, so that sending it again cannot
# create a second record. Other failures of a create are left to the sync's
# look-up by correlation id on the next run.
_NOT_PROCESSED = {429, 502, 503, 504}


class MyitError(Exception):
    """ServiceNow refused or failed a request; the message is ServiceNow's own."""

    def __init__(self, message: str, *, status: int | None = None, detail: str = ""):
        self.message = message
        self.status = status
        self.detail = detail
        text = f"MyIT answered {status}: {message}" if status else f"MyIT: {message}"
        super().__init__(f"{text} ({detail})" if detail else text)


class MyitUnavailable(MyitError):
    """MyIT still failed, timed out or limited us after every attempt."""


class MyitNotConfigured(MyitError):
    """No MyIT address or credentials are configured."""


@dataclass(frozen=True)
class Credentials:
    """How to sign in to MyIT: Basic (username, password) or OAuth client credentials."""

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


def _no_cookies() -> http.cookiejar.CookieJar:
    """A cookie jar that keeps nothing.

    ServiceNow processes requests that share a session cookie one at a time,
    so OSR never sends the instance's cookies back.
    """
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


class MyitClient:
    """A ServiceNow REST client: Table API and Change Management API."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff_seconds: float = 0.5,
        max_wait_seconds: float = 120.0,
        page_size: int = 1000,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not base_url:
            raise MyitNotConfigured("OSR_MYIT_URL is not set")
        if not (credentials.password or credentials.client_secret):
            raise MyitNotConfigured("no MyIT credentials are set")
        self.base_url = base_url.rstrip("/")
        self._credentials = credentials
        self.max_attempts = max(1, max_attempts)
        self.backoff_seconds = backoff_seconds
        self.max_wait_seconds = max_wait_seconds
        self.page_size = page_size
        self.sleep = sleep
        self._token: str | None = None
        self._token_expires = 0.0
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            cookies=_no_cookies(),
            # A request's headers and body are sent as separate writes; without
            # TCP_NODELAY each request can wait on a delayed acknowledgement.
            transport=httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            ),
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, **overrides: Any) -> MyitClient:
        """A client configured from ``OSR_MYIT_*`` settings."""
        credentials = Credentials(
            username=settings.OSR_MYIT_USERNAME,
            password=settings.OSR_MYIT_PASSWORD,
            client_id=settings.OSR_MYIT_CLIENT_ID,
            client_secret=settings.OSR_MYIT_CLIENT_SECRET,
        )
        options = {
            "timeout": settings.OSR_MYIT_TIMEOUT_SECONDS,
            "max_attempts": settings.OSR_MYIT_MAX_ATTEMPTS,
        } | overrides
        return cls(settings.OSR_MYIT_URL, credentials, **options)

    def __repr__(self) -> str:
        return f"MyitClient({self.base_url})"

    def __enter__(self) -> MyitClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- Table API ---------------------------------------------------------

    def list(
        self,
        table: str,
        *,
        query: str = "",
        fields: Sequence[str] = (),
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every record matching an encoded query, page by page.

        Paging is ordered by ``sys_id`` (rows can otherwise be skipped or
        repeated) and follows the ``Link: rel="next"`` header.
        """
        ordered = f"{query}^ORDERBYsys_id" if query else "ORDERBYsys_id"
        params: dict[str, Any] = {
            "sysparm_query": ordered,
            "sysparm_limit": page_size or self.page_size,
            "sysparm_offset": 0,
        }
        if fields:
            params["sysparm_fields"] = ",".join(fields)
        while True:
            response = self._send("GET", f"/api/now/table/{table}", params=params)
            if response.status_code == 404:  # v1 answers an empty list with 404
                return
            yield from _json(response).get("result", [])
            next_offset = _next_offset(response)
            if next_offset is None:
                return
            params = params | {"sysparm_offset": next_offset}

    def get(self, table: str, sys_id: str, *, fields: Sequence[str] = ()) -> dict[str, Any] | None:
        """One record, or None when it does not exist."""
        params = {"sysparm_fields": ",".join(fields)} if fields else {}
        response = self._send("GET", f"/api/now/table/{table}/{sys_id}", params=params)
        if response.status_code == 404:
            return None
        return _json(response)["result"]

    def create(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        """Insert a record and return it as ServiceNow stored it."""
        response = self._send("POST", f"/api/now/table/{table}", json=values)
        if response.status_code == 404:
            message, detail = _message_of(response)
            raise MyitError(message, status=404, detail=detail)
        return _json(response)["result"]

    def patch(self, table: str, sys_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Change some fields of a record and return the record."""
        response = self._send("PATCH", f"/api/now/table/{table}/{sys_id}", json=values)
        if response.status_code == 404:
            raise MyitError(f"{table} {sys_id} no longer exists", status=404)
        return _json(response)["result"]

    def delete(self, table: str, sys_id: str) -> bool:
        """Delete a record; False when it was already gone (so deleting twice is harmless)."""
        response = self._send("DELETE", f"/api/now/table/{table}/{sys_id}")
        return response.status_code != 404

    # -- Change Management API ---------------------------------------------

    def create_change(
        self, kind: str, values: dict[str, Any], *, template_sys_id: str = ""
    ) -> dict[str, Any]:
        """Raise a change of a model: ``normal``, ``emergency`` or ``standard``.

        A standard change is created from its approved template. The answer's
        ``{"value", "display_value"}`` pairs are flattened to their values.
        """
        if kind == "standard":
            if not template_sys_id:
                raise MyitError("a standard change needs a template")
            path = f"/api/sn_chg_rest/change/standard/{template_sys_id}"
        elif kind in ("normal", "emergency"):
            path = f"/api/sn_chg_rest/change/{kind}"
        else:
            raise ValueError(f"unknown change model {kind!r}")
        response = self._send("POST", path, json=values)
        if response.status_code == 404:
            message, detail = _message_of(response)
            raise MyitError(message, status=404, detail=detail)
        return {key: _plain(value) for key, value in _json(response)["result"].items()}

    # -- Transport -----------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on rate limits, server errors and timeouts.

        404 is returned to the caller (a missing record is an answer); any
        other 4xx raises at once with ServiceNow's message.
        """
        last_problem = ""
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._http.request(method, path, headers=self._auth_headers(), **kwargs)
            except httpx.TransportError as error:
                # A create that may have reached MyIT is not sent twice; a
                # connection never made, or a read, is safe to repeat.
                sent = not isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
                timed_out = isinstance(error, httpx.TimeoutException)
                last_problem = "timed out" if timed_out else f"failed ({type(error).__name__})"
                log.warning("MyIT %s %s %s (attempt %d)", method, path, last_problem, attempt)
                if (sent and method == "POST") or attempt == self.max_attempts:
                    break
                self._back_off(attempt)
                continue
            status = response.status_code
            log.debug("MyIT %s %s -> %d", method, path, status)
            if status < 400 or status == 404:
                return response
            if status == 401 and self._credentials.uses_oauth and self._token and attempt == 1:
                self._token = None  # expired early: fetch a new token once
                continue
            message, detail = _message_of(response)
            retryable = status == 429 or (
                status >= 500 and (method != "POST" or status in _NOT_PROCESSED)
            )
            if not retryable:
                raise MyitError(message, status=status, detail=detail)
            last_problem = f"{status}: {message}" + (f" ({detail})" if detail else "")
            log.warning("MyIT %s %s answered %d (attempt %d)", method, path, status, attempt)
            if attempt == self.max_attempts:
                raise MyitUnavailable(message, status=status, detail=detail)
            if status == 429:
                self.sleep(self._retry_after(response, attempt))
            else:
                self._back_off(attempt)
        raise MyitUnavailable(f"{method} {path} {last_problem} after {self.max_attempts} attempts")

    def _retry_after(self, response: httpx.Response, attempt: int) -> float:
        try:
            seconds = float(response.headers.get("Retry-After", ""))
        except ValueError:
            return self._backoff_delay(attempt)
        return min(max(seconds, 0.0), self.max_wait_seconds)

    def _backoff_delay(self, attempt: int) -> float:
        # Full jitter: concurrent workers that failed together do not retry together.
        ceiling = min(self.backoff_seconds * 2 ** (attempt - 1), self.max_wait_seconds)
        return random.uniform(0, ceiling)

    def _back_off(self, attempt: int) -> None:
        self.sleep(self._backoff_delay(attempt))

    def _auth_headers(self) -> dict[str, str]:
        if not self._credentials.uses_oauth:
            pair = f"{self._credentials.username}:{self._credentials.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        if self._token is None or time.monotonic() >= self._token_expires:
            self._fetch_token()
        return {"Authorization": f"Bearer {self._token}"}

    def _fetch_token(self) -> None:
        """An OAuth access token by the client-credentials grant."""
        data = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
        }
        try:
            response = self._http.post("/oauth_token.do", data=data)
        except httpx.HTTPError as error:
            raise MyitUnavailable(f"could not get a token ({type(error).__name__})") from error
        if response.status_code != 200:
            message, detail = _message_of(response)
            raise MyitError(f"token refused: {message}", status=response.status_code)
        body = response.json()
        self._token = body["access_token"]
        # Renew a minute early rather than have a request refused mid-sync.
        self._token_expires = time.monotonic() + max(int(body.get("expires_in", 1800)) - 60, 30)


def _json(response: httpx.Response) -> dict[str, Any]:
    """The JSON answer, or an error naming what came back instead (a sign-in page, say)."""
    try:
        body = response.json()
    except ValueError as error:
        kind = response.headers.get("Content-Type", "unknown").split(";")[0]
        raise MyitError(f"the answer is not JSON ({kind})", status=response.status_code) from error
    if not isinstance(body, dict) or "result" not in body:
        raise MyitError("the answer has no result", status=response.status_code)
    return body


def _next_offset(response: httpx.Response) -> int | None:
    """The offset of the next page from the ``Link`` header, if there is one."""
    next_link = response.links.get("next", {}).get("url")
    if not next_link:
        return None
    values = parse_qs(urlsplit(next_link).query).get("sysparm_offset")
    return int(values[0]) if values else None


def _message_of(response: httpx.Response) -> tuple[str, str]:
    """ServiceNow's error message and detail from a failure body."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return (response.reason_phrase or f"HTTP {response.status_code}", "")
    return (str(error.get("message") or response.reason_phrase), str(error.get("detail") or ""))


def _plain(value: Any) -> Any:
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def escape(value: str) -> str:
    """A value made safe inside an encoded query (``^`` is its separator)."""
    return str(value).replace("^", "^^")
