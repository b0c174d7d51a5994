"""The connection a ``MyitClient`` sends its requests over: authentication,
retries and ServiceNow's rate limits.

Basic or OAuth (client credentials or password grant). Server errors and
timeouts are retried a bounded number of times; what still fails raises
``MyitError`` carrying ServiceNow's own message.

Rate limits are ServiceNow's hourly rules: the connection counts what it sends
against ``X-RateLimit-Limit`` and, at the limit or on a 429 whose wait is
longer than a retry's, pauses until ``X-RateLimit-Reset`` (or ``Retry-After``),
says so through ``on_pause``, and resumes.

Credentials are never logged: log lines name the method, table and status only.
"""

from __future__ import annotations

import base64
import logging
import random
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx

from .limits import RateLimit
from .protocol import (
    Credentials,
    MyitError,
    MyitNotConfigured,
    MyitUnavailable,
    message_of,
    no_cookies,
    refused_action,
)

# Named for the client, as before the connection had a module of its own.
log = logging.getLogger("osr.myit.client")

# Answers that show a create was not processed, so that sending it again cannot
# create a second record. Other failures of a create are left to the sync's
# look-up by correlation id on the next run.
_NOT_PROCESSED = {429, 502, 503, 504}


class MyitConnection:
    """Requests to one ServiceNow instance, authenticated, paced and retried."""

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
        clock: Callable[[], float] = time.time,
        on_pause: Callable[[str], None] | None = None,
        max_limit_pauses: int = 24,
        batch_api: bool = True,
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
        self.clock = clock
        self.on_pause = on_pause or (lambda line: None)
        self.max_limit_pauses = max_limit_pauses
        self.limit = RateLimit()
        self.batch_api = batch_api
        self._token: str | None = None
        self._token_expires = 0.0
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            cookies=no_cookies(),
            # A request's headers and body are sent as separate writes; without
            # TCP_NODELAY each request can wait on a delayed acknowledgement.
            transport=httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            ),
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on rate limits, server errors and timeouts.

        404 is returned to the caller (a missing record is an answer); any
        other 4xx raises at once with ServiceNow's message. An hourly rate
        limit pauses the client until it resets, without using up an attempt.
        """
        last_problem = ""
        attempt, pauses = 0, 0
        while attempt < self.max_attempts:
            attempt += 1
            self._pace()
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
            self.limit.observe(response.headers, self.clock())
            log.debug("MyIT %s %s -> %d", method, path, status)
            if status < 400 or status == 404:
                return response
            if status == 401 and self._credentials.uses_oauth and self._token and attempt == 1:
                self._token = None  # expired early: fetch a new token once
                continue
            message, detail = message_of(response)
            retryable = status == 429 or (
                status >= 500 and (method != "POST" or status in _NOT_PROCESSED)
            )
            if not retryable:
                refused = refused_action(method, path) if status == 403 else ""
                raise MyitError(message, status=status, detail=detail, refused=refused)
            last_problem = f"{status}: {message}" + (f" ({detail})" if detail else "")
            log.warning("MyIT %s %s answered %d (attempt %d)", method, path, status, attempt)
            wait = self._retry_after(response, attempt) if status == 429 else None
            if wait is not None and wait > self.max_wait_seconds:
                if pauses >= self.max_limit_pauses:
                    raise MyitUnavailable(message, status=status, detail=detail)
                pauses += 1
                attempt -= 1  # waiting out an hourly limit is not a failed attempt
                self._pause(wait)
                continue
            if attempt == self.max_attempts:
                raise MyitUnavailable(message, status=status, detail=detail)
            if wait is not None:
                self.sleep(wait)
            else:
                self._back_off(attempt)
        raise MyitUnavailable(f"{method} {path} {last_problem} after {self.max_attempts} attempts")

    def _pace(self) -> None:
        """Keep under the instance's hourly limit: at the limit, wait for its reset."""
        wait = self.limit.wait_before_next(self.clock())
        if wait > 0:
            self._pause(wait)

    def _pause(self, seconds: float) -> None:
        self.on_pause(self.limit.pause_line(self.clock() + seconds))
        log.warning("MyIT rate limit reached: pausing %.0f s", seconds)
        self.sleep(seconds)
        self.limit.restart(self.clock())

    def _retry_after(self, response: httpx.Response, attempt: int) -> float:
        try:
            return max(float(response.headers.get("Retry-After", "")), 0.0)
        except ValueError:
            pass
        until_reset = self.limit.reset_at - self.clock() if self.limit.reset_at else 0.0
        return until_reset if until_reset > 0 else self._backoff_delay(attempt)

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
        """An OAuth access token, by the password or the client-credentials grant."""
        c = self._credentials
        data = {"grant_type": c.grant, "client_id": c.client_id, "client_secret": c.client_secret}
        if c.grant == "password":
            data |= {"username": c.username, "password": c.password}
        try:
            response = self._http.post("/oauth_token.do", data=data)
        except httpx.HTTPError as error:
            raise MyitUnavailable(f"could not get a token ({type(error).__name__})") from error
        try:
            body = response.json()
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not token:
            message, detail = message_of(response)
            raise MyitError(
                f"token refused ({c.grant} grant): {message}",
                status=response.status_code,
                detail=detail,
            )
        self._token = str(token)
        # Renew a minute early rather than have a request refused mid-sync.
        expires = body.get("expires_in", 1800) if isinstance(body, dict) else 1800
        self._token_expires = time.monotonic() + max(int(expires) - 60, 30)
