"""Writing to the outbox: one row per recipient and kind, in the caller's transaction.

Each person's preference for the kind decides whether their row is sent as it
happens, held for their daily digest, or not written at all. Once the
transaction commits the worker is asked to deliver; a rollback leaves no row
and so tells nobody.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from .choices import Channel, Frequency, Kind
from .models import Notification, NotificationPreference

SUBJECT_MAX = 300
# Line breaks and other control characters end a mail header; a subject must hold none.
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


@dataclass(frozen=True)
class TeamsChannel:
    """A delivery group's Microsoft Teams channel: its incoming webhook and whose it is."""

    webhook_url: str
    name: str


def safe_subject(subject: str) -> str:
    """The subject on one line, whatever a name in it held, short enough for a header."""
    one_line = " ".join(_UNSAFE_IN_HEADER.sub(" ", subject or "").split())
    return one_line[:SUBJECT_MAX] or "A notification from OSR"


def addresses(to: str | Iterable[str]) -> list[str]:
    """The distinct addresses given, trimmed and without blanks, in order."""
    given = [to] if isinstance(to, str) else list(to)
    return list(dict.fromkeys(a.strip() for a in given if a and a.strip()))


def queue(
    kind: str,
    to: str | Iterable[str],
    subject: str,
    body: str,
    *,
    link: str = "",
    topic: str = "",
    teams: TeamsChannel | None = None,
) -> list[Notification]:
    """Write a notification of ``kind`` for each address (and the Teams channel, if any).

    Rows are written in the current transaction; delivery is asked for once it
    commits. With a ``topic``, a recipient already told of it is not told again.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    subject = safe_subject(subject)
    rows: list[Notification] = []
    batch = uuid.uuid4().hex
    people = _accounts_of(addresses(to))
    chosen = _frequencies(kind, [user for user in people.values() if user is not None])
    for address, user in people.items():
        frequency = chosen.get(user.pk, Frequency.NOW) if user is not None else Frequency.NOW
        if frequency == Frequency.OFF:
            continue
        rows.append(
            Notification(
                kind=kind,
                channel=Channel.EMAIL,
                recipient=address,
                recipient_name=(user.get_full_name() if user is not None else "") or address,
                user=user,
                subject=subject,
                body=body,
                link=link,
                topic=topic,
                batch=batch,
                digest=frequency == Frequency.DIGEST,
            )
        )
    if teams is not None and teams.webhook_url:
        rows.append(
            Notification(
                kind=kind,
                channel=Channel.TEAMS,
                recipient=teams.webhook_url,
                recipient_name=f"{teams.name} Teams channel",
                subject=subject,
                body=body,
                link=link,
                topic=topic,
            )
        )
    if topic:
        told = set(Notification.objects.filter(topic=topic).values_list("channel", "recipient"))
        rows = [row for row in rows if (row.channel, row.recipient) not in told]
    if not rows:
        return []
    with transaction.atomic():
        written = Notification.objects.bulk_create(rows)
        if any(not row.digest for row in written):
            from .delivery import after_commit

            transaction.on_commit(after_commit, robust=True)
    return written


def _accounts_of(found: list[str]) -> dict[str, Any]:
    """Each address with the account it belongs to (its own, or its person's), if any."""
    if not found:
        return {}
    wanted = Q()
    for address in found:
        wanted |= Q(email__iexact=address) | Q(person__email__iexact=address)
    by_address: dict[str, Any] = {}
    for user in get_user_model().objects.filter(wanted, is_active=True).select_related("person"):
        person = getattr(user, "person", None)
        for address in (user.email, getattr(person, "email", "")):
            if address:
                by_address.setdefault(address.lower(), user)
    return {address: by_address.get(address.lower()) for address in found}


def _frequencies(kind: str, users: list) -> dict[int, str]:
    return dict(
        NotificationPreference.objects.filter(
            kind=kind, user__in=[user.pk for user in users]
        ).values_list("user_id", "frequency")
    )
