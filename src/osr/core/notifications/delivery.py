"""Delivering the outbox: each due row claimed, sent, and marked sent, with backoff on failure.

A row is claimed by one atomic update before it is sent, so that two workers
never send it both; a claim lapses after a while, so that a worker that died
while sending does not strand it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from . import channels
from .choices import Status
from .models import Notification

log = logging.getLogger(__name__)

CLAIM = dt.timedelta(minutes=5)
LONGEST_WAIT = dt.timedelta(hours=6)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: a minute, doubling, up to 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def due(now: dt.datetime):
    """Rows to send now: waiting and due, or claimed by a worker that has since gone."""
    return Notification.objects.filter(
        Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_until__lt=now),
        digest=False,
        next_attempt_at__lte=now,
    )


def deliver_due(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every notification that is due, oldest first; count the rows sent and failed."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    rows = list(due(now).order_by("id")[:limit])
    messages: dict[object, list[int]] = {}
    for row in rows:
        key = ("batch", row.batch) if row.batch and channels.sent_together(row) else row.pk
        messages.setdefault(key, []).append(row.pk)
    for ids in messages.values():
        outcome, count = deliver_message(ids, now=now)
        if outcome is not None:
            counts[outcome] += count
    return counts


def deliver_message(ids: list[int], *, now: dt.datetime) -> tuple[str | None, int]:
    """Claim the rows of one message and send it: ("sent" or "failed", rows), or (None, 0)."""
    token = uuid.uuid4().hex
    claimed = (
        due(now)
        .filter(pk__in=ids)
        .update(
            status=Status.SENDING,
            claim=token,
            claimed_until=now + CLAIM,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None, 0
    rows = list(Notification.objects.filter(claim=token, status=Status.SENDING).order_by("id"))
    mine = Notification.objects.filter(claim=token, status=Status.SENDING)
    try:
        channels.send(rows)
    except Exception as error:  # any failure of the endpoint is retried, never raised
        attempts = max(row.attempts for row in rows)
        gave_up = attempts >= settings.OSR_NOTIFICATIONS_MAX_ATTEMPTS
        mine.update(
            status=Status.FAILED if gave_up else Status.PENDING,
            next_attempt_at=now + backoff(attempts),
            claimed_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log.warning(
            "notification not sent",
            extra={"notifications": ids, "attempts": attempts, "error": type(error).__name__},
        )
        return "failed", len(rows)
    mine.update(status=Status.SENT, sent_at=now, claimed_until=None, last_error="")
    log.info("notification sent", extra={"notifications": ids, "kind": rows[0].kind})
    return "sent", len(rows)


def sweep_outbox(*, today: dt.date) -> dict[str, int]:
    """The daily job: send whatever is due, should the frequent check have missed it."""
    return deliver_due()


def retry_failed() -> int:
    """Put notifications that ran out of attempts back in the queue, due now."""
    return Notification.objects.filter(status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def after_commit() -> None:
    """Once a change commits: send its notifications now, or ask the worker to.

    Sending in the committing process is for development and tests
    (``OSR_NOTIFICATIONS_SEND_ON_COMMIT``); in production the worker sends, so
    that a slow or failing endpoint never holds up a request.
    """
    if settings.OSR_NOTIFICATIONS_SEND_ON_COMMIT:
        deliver_due()
        return
    from .tasks import deliver_notifications

    deliver_notifications.enqueue()
