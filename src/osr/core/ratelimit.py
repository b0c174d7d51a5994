"""Limits on failed sign-ins, per username and per client address.

Failures are counted in Django's cache (Redis when several processes serve
OSR) for a window that starts at the first failure: once a username or an
address has used up its failures, no password is even checked until the
window ends. The limit sits in the authentication backend, so every password
form (OSR's sign-in page and the Django admin's) is held to it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counter:
    """One thing whose failures are counted: a username or a client address."""

    key: str
    limit: int


def client_address(request) -> str:
    """The client's IP address, read through the number of proxies OSR trusts."""
    trusted = settings.OSR_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # Each trusted proxy appends the address it saw; anything further left
        # was written by the client and proves nothing.
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _username_key(username: str) -> str:
    return f"signin:user:{_digest(username.strip().lower())}"


def counters(username: str | None, address: str) -> list[Counter]:
    found = [
        Counter(f"signin:addr:{_digest(address)}", settings.OSR_SIGN_IN_MAX_FAILURES_PER_ADDRESS)
    ]
    if username:
        found.append(Counter(_username_key(username), settings.OSR_SIGN_IN_MAX_FAILURES))
    return found


def wait_seconds(username: str | None, address: str, *, now: float | None = None) -> int:
    """Seconds until this username or address may try again; 0 when it may now."""
    now = time.time() if now is None else now
    window = settings.OSR_SIGN_IN_WINDOW_SECONDS
    wait = 0.0
    for counter in counters(username, address):
        values = cache.get_many([counter.key, counter.key + ":since"])
        if values.get(counter.key, 0) >= counter.limit:
            since = values.get(counter.key + ":since", now)
            wait = max(wait, since + window - now, 1)
    return math.ceil(wait)


def record_failure(username: str | None, address: str) -> None:
    """Count one failed sign-in against the username and the address."""
    window = settings.OSR_SIGN_IN_WINDOW_SECONDS
    for counter in counters(username, address):
        # add() only starts a window; incr() is atomic in memory and in Redis,
        # so concurrent failures are all counted.
        if cache.add(counter.key, 0, timeout=window):
            cache.set(counter.key + ":since", time.time(), timeout=window)
        try:
            cache.incr(counter.key)
        except ValueError:  # the window ended between add() and incr()
            cache.add(counter.key, 1, timeout=window)
            cache.set(counter.key + ":since", time.time(), timeout=window)
    log.warning("Failed sign-in for %r from %s", username, address)


def forget_failures(username: str) -> None:
    """A successful sign-in clears its username's failures (not its address's)."""
    key = _username_key(username)
    cache.delete_many([key, key + ":since"])


def too_many_message(wait: int) -> str:
    minutes = max(1, math.ceil(wait / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many attempts to sign in: try again in {minutes} {unit}"


class RateLimitedModelBackend(ModelBackend):
    """Username and password sign-in, refused outright while a limit is reached."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        address = client_address(request) if request is not None else "unknown"
        if wait_seconds(username, address):
            # PermissionDenied stops Django trying any other backend.
            raise PermissionDenied("too many failed sign-ins")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, address)
        else:
            forget_failures(username)
        return user
