"""Who the fake ServiceNow lets in, and how often: OAuth tokens and hourly rate limits.

Tokens come from ``/oauth_token.do`` by the client-credentials or password
grant, whichever the instance allows; a refusal has OAuth's shape
(``{"error": "invalid_client", "error_description": ...}``), not the Table
API's. A rate limit rule counts requests per clock hour; every answer carries
``X-RateLimit-Limit``, ``X-RateLimit-Reset`` and ``X-RateLimit-Rule``, and one
past the limit is 429 with ``Retry-After``.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from .fake import FakeServiceNow


def count_against_limit(fake: FakeServiceNow) -> tuple[dict[str, str], bool]:
    """The rate-limit headers of this answer, and whether the request is over the limit."""
    if not fake.limit_per_hour:
        return {}, False
    now = fake.now()
    hour = int(now // 3600) * 3600
    started, count = fake._window
    count = count + 1 if started == hour else 1
    fake._window = (hour, count)
    reset = hour + 3600
    headers = {
        "X-RateLimit-Limit": str(fake.limit_per_hour),
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Rule": fake.limit_rule,
    }
    if count <= fake.limit_per_hour:
        return headers, False
    return headers | {"Retry-After": str(max(int(reset - now + 0.999), 1))}, True


def token_answer(fake: FakeServiceNow, body: bytes):
    """OAuth 2.0 tokens, refused with the error shape of RFC 6749 that ServiceNow answers."""
    form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
    grant = form.get("grant_type", "")
    if grant not in ("client_credentials", "password") or grant not in fake.grants:
        return 400, {}, {"error": "unsupported_grant_type", "error_description": grant}
    if (form.get("client_id"), form.get("client_secret")) != (
        fake.client_id,
        fake.client_secret,
    ):
        return 401, {}, {"error": "invalid_client", "error_description": "access_denied"}
    if grant == "password" and (form.get("username"), form.get("password")) != (
        fake.username,
        fake.password,
    ):
        return 401, {}, {"error": "access_denied", "error_description": "access_denied"}
    token = secrets.token_urlsafe(24)
    with fake._lock:
        fake._tokens[token] = time.monotonic() + 1800
    return 200, {}, {"access_token": token, "token_type": "Bearer", "expires_in": 1799}
