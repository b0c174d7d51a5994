"""The one place OSR sends email from: everything goes through the outbox.

``send_email`` writes one outbox row per address, in the current transaction,
so that nobody is told of a change that was rolled back; the task worker
sends them once the transaction commits, through GOV.UK Notify when
``OSR_NOTIFY_API_KEY`` is set and through Django's email backend otherwise,
retrying until the endpoint answers (see ``osr.core.notifications``). Tests
replace this seam (or read ``django.core.mail.outbox``), never what is behind it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .notifications.choices import Kind
from .notifications.outbox import TeamsChannel, queue

__all__ = ["Kind", "TeamsChannel", "send_email"]


def send_email(
    to: str | Iterable[str],
    subject: str,
    body: str,
    kind: str = Kind.GENERAL,
    *,
    link: str = "",
    topic: str = "",
    teams: TeamsChannel | None = None,
) -> int:
    """Tell each address (and a group's Teams channel, if given) of a ``kind`` of hand-off.

    Each person hears of it as they chose for the kind: now, in their daily
    digest, or not at all. Sent once the current transaction commits. Answers how
    many notifications were written.
    """
    return len(queue(kind, to, subject, body, link=link, topic=topic, teams=teams))
