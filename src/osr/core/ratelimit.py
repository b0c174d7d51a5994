"""Limits on password sign-ins that stop guessing without letting a stranger lock an account.

Three limits, counted in Django's cache (Redis when several processes serve
OSR) over a window that starts at the first failure:

- an account from one address: ``OSR_SIGN_IN_MAX_FAILURES`` failures and that
  address checks no password for that account until the window ends. Someone
  guessing from their own address blocks only themselves;
- an address, whatever the accounts: ``OSR_SIGN_IN_MAX_FAILURES_PER_ADDRESS``;
- an account from every address together: past ``OSR_SIGN_IN_ACCOUNT_CEILING``
  failures the account is slowed, never locked: it takes
  ``OSR_SIGN_IN_SLOWED_PER_MINUTE`` attempts a minute from addresses it has not
  signed in from. From an address it signed in from in the last
  ``OSR_SIGN_IN_KNOWN_ADDRESS_DAYS`` days its owner is not slowed at all.

An administrator lifts an account's limits with ``lift_limits`` (``osr users
unlock``, or the action on the Django admin's users). The limits sit in the
authentication backend, so every password form is held to them.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counter:
    """Failures counted over the window: an account at an address, an address, an account."""

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


def _account(username: str) -> str:
    return _digest(username.strip().lower())


def _generation(account: str) -> str:
    # Lifting an account's limits starts a new generation: every count keyed on
    # the old one, at whichever address, is left behind to expire.
    return cache.get(f"signin:gen:{account}") or "0"


def _account_prefix(username: str) -> str:
    account = _account(username)
    return f"signin:{account}:{_generation(account)}"


def blocking_counters(username: str | None, address: str) -> list[Counter]:
    """The counts that, once full, stop an address (for an account) until the window ends."""
    found = [
        Counter(f"signin:addr:{_digest(address)}", settings.OSR_SIGN_IN_MAX_FAILURES_PER_ADDRESS)
    ]
    if username:
        key = f"{_account_prefix(username)}:at:{_digest(address)}"
        found.append(Counter(key, settings.OSR_SIGN_IN_MAX_FAILURES))
    return found


def _ceiling(username: str) -> Counter:
    return Counter(f"{_account_prefix(username)}:all", settings.OSR_SIGN_IN_ACCOUNT_CEILING)


def _known_key(username: str, address: str) -> str:
    return f"signin:known:{_account(username)}:{_digest(address)}"


def _slowed(username: str | None, address: str) -> bool:
    """The account is past its ceiling and the address is not one its owner used."""
    if not username:
        return False
    ceiling = _ceiling(username)
    if cache.get(ceiling.key, 0) < ceiling.limit:
        return False
    return not cache.get(_known_key(username, address))


def _minute_key(username: str, now: float) -> str:
    return f"{_account_prefix(username)}:minute:{int(now // 60)}"


def _until_next_minute(now: float) -> int:
    return max(1, math.ceil(60 - now % 60))


def wait_seconds(username: str | None, address: str, *, now: float | None = None) -> int:
    """Seconds until this account may try again from this address; 0 when it may now."""
    now = time.time() if now is None else now
    window = settings.OSR_SIGN_IN_WINDOW_SECONDS
    wait = 0.0
    for counter in blocking_counters(username, address):
        values = cache.get_many([counter.key, counter.key + ":since"])
        if values.get(counter.key, 0) >= counter.limit:
            since = values.get(counter.key + ":since", now)
            wait = max(wait, since + window - now, 1)
    if username and _slowed(username, address):
        used = cache.get(_minute_key(username, now), 0)
        if used >= settings.OSR_SIGN_IN_SLOWED_PER_MINUTE:
            wait = max(wait, _until_next_minute(now))
    return math.ceil(wait)


def admit(username: str, address: str) -> int:
    """Take an attempt for the account from the address: 0 when admitted, else the wait."""
    now = time.time()
    wait = wait_seconds(username, address, now=now)
    if wait or not _slowed(username, address):
        return wait
    key = _minute_key(username, now)
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=120)
        used = 1
    # incr() is atomic, so concurrent guesses cannot all slip into the same minute.
    if used > settings.OSR_SIGN_IN_SLOWED_PER_MINUTE:
        return _until_next_minute(now)
    return 0


def record_failure(username: str | None, address: str) -> None:
    """Count one failed sign-in against the account, the address, and both together."""
    window = settings.OSR_SIGN_IN_WINDOW_SECONDS
    ceiling = [_ceiling(username)] if username else []
    for counter in blocking_counters(username, address) + ceiling:
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


def record_success(username: str, address: str) -> None:
    """A sign-in clears the account's failures at this address and remembers the address.

    The account's ceiling is not cleared: a guesser spread over many addresses
    must not get a fresh allowance each time the owner signs in.
    """
    key = f"{_account_prefix(username)}:at:{_digest(address)}"
    cache.delete_many([key, key + ":since"])
    days = settings.OSR_SIGN_IN_KNOWN_ADDRESS_DAYS
    cache.set(_known_key(username, address), 1, timeout=days * 24 * 3600)


def lift_limits(username: str) -> None:
    """An administrator's unlock: the account's failures, at every address, are forgotten."""
    cache.set(f"signin:gen:{_account(username)}", secrets.token_hex(8), timeout=None)
    log.warning("Sign-in limits lifted for %r", username)


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
        wait = admit(username, address)
        if wait:
            if request is not None:
                # The sign-in page answers 429 with this wait, not "wrong password".
                request.osr_sign_in_wait = wait
            # PermissionDenied stops Django trying any other backend.
            raise PermissionDenied("too many failed sign-ins")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, address)
        else:
            record_success(username, address)
        return user
