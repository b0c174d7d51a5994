"""API tokens: issued, checked on each API request, revoked."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from ..models import ApiToken, hash_token
from ..refusals import Invalid
from ..shortcuts import day
from . import lookup

DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME = 100
# Recording every use would write to the database on every request.
USE_RESOLUTION = dt.timedelta(minutes=1)


def issue(user, *, name: str, expires_on: dt.date, read_only: bool, today: dt.date) -> str:
    """Issue a named token for the user, valid to the end of ``expires_on``; the raw value."""
    errors: dict[str, list[str]] = {}
    if not user.is_active:
        errors["user"] = [f"{user} is inactive; a token would not sign them in"]
    if len(name) > MAX_NAME:
        errors["name"] = [f"The name must be {MAX_NAME} characters or fewer"]
    if expires_on <= today:
        errors["expires_on"] = ["The expiry date must be in the future"]
    elif expires_on > today + dt.timedelta(days=MAX_DAYS):
        errors["expires_on"] = [
            f"The expiry date must be no more than {MAX_DAYS} days away, "
            f"on or before {day(today + dt.timedelta(days=MAX_DAYS))}"
        ]
    if errors:
        raise Invalid(errors)
    return ApiToken.issue(user, name=name, expires_on=expires_on, read_only=read_only)


def check(raw: str, *, now: dt.datetime) -> tuple[ApiToken | None, str | None]:
    """The token a raw value names, its use recorded; or None and why it is refused.

    An unknown value is refused without a reason of its own, so that guessing
    learns nothing; an expired or revoked token is told so, to be replaced.
    """
    token = lookup.find(hash_token(raw))
    if token is None or not token.user.is_active:
        return None, None
    if token.revoked_at is not None:
        return None, f"This token was revoked on {day(timezone.localdate(token.revoked_at))}"
    if token.is_expired(timezone.localdate(now)):
        assert token.expires_on is not None
        return None, f"This token expired at the end of {day(token.expires_on)}"
    if token.last_used is None or now - token.last_used >= USE_RESOLUTION:
        # Conditional, so that of requests arriving together only one writes.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used__isnull=True) | Q(last_used__lte=now - USE_RESOLUTION)
        ).update(last_used=now)
        token.last_used = now
    return token, None


def revoke(token: ApiToken, *, by, now: dt.datetime) -> None:
    """Revoke the token from now on, recording who did; revoking it again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = now, by
        token.save(update_fields=["revoked_at", "revoked_by"])


def status(token: ApiToken, today: dt.date) -> str:
    """Active, Expired or Revoked, as the pages and ``osr token list`` say it."""
    if token.revoked_at is not None:
        return "Revoked"
    return "Expired" if token.is_expired(today) else "Active"
