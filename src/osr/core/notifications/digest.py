"""The daily digest: each person's notifications of the kinds they chose to hear of once a day."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.utils import timezone

from ..shortcuts import day
from . import channels
from .choices import DIGEST, Status
from .delivery import backoff
from .models import Notification

log = logging.getLogger(__name__)


def send_digests(*, today: dt.date) -> dict[str, int]:
    """Send each recipient one email of their held notifications, and mark those sent."""
    counts = {"sent": 0, "failed": 0}
    waiting = Notification.objects.filter(digest=True, status=Status.PENDING)
    for recipient in waiting.values_list("recipient", flat=True).distinct().order_by("recipient"):
        outcome = _send_digest(recipient, today=today)
        if outcome:
            counts[outcome] += 1
    return counts


def digest_body(rows: list[Notification], *, today: dt.date) -> str:
    """One email made of many notifications, oldest first, each with its link."""
    parts = [f"Your OSR notifications up to {day(today)}: {len(rows)} in all."]
    for row in rows:
        parts += ["", "—" * 20, "", row.subject, "", channels.with_link(row.body, row.link)]
    parts += ["", "Choose how often you hear of each kind on OSR's Notification settings page."]
    return "\n".join(parts)


def _send_digest(recipient: str, *, today: dt.date) -> str | None:
    token, now = uuid.uuid4().hex, timezone.now()
    claimed = Notification.objects.filter(
        digest=True, status=Status.PENDING, recipient=recipient
    ).update(status=Status.SENDING, claim=token, claimed_until=now)
    if not claimed:
        return None
    mine = Notification.objects.filter(claim=token, status=Status.SENDING)
    rows = list(mine.order_by("created_at", "id"))
    subject = f"OSR daily digest: {len(rows)} notification{'s' if len(rows) != 1 else ''}"
    try:
        channels.send_email(
            [recipient],
            subject,
            digest_body(rows, today=today),
            template=DIGEST,
            reference=f"osr-digest-{today.isoformat()}-{rows[0].pk}",
        )
    except Exception as error:  # held for tomorrow's digest; the request never sees it
        mine.update(
            status=Status.PENDING,
            claimed_until=None,
            next_attempt_at=now + backoff(1),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log.warning("digest not sent", extra={"error": type(error).__name__})
        return "failed"
    mine.update(status=Status.SENT, sent_at=now, claimed_until=None, last_error="")
    return "sent"
