"""The one place OSR sends email from.

Mail is queued to go once the current transaction commits, so that nobody is
told of a change that was rolled back. It goes through GOV.UK Notify when
``OSR_NOTIFY_API_KEY`` is set, otherwise through Django's email backend: the
console in development, SMTP in production. Tests replace this seam (or read
``django.core.mail.outbox``), never what is behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger(__name__)


def send_email(to: str | Iterable[str], subject: str, body: str) -> None:
    """Queue an email to each address, sent once the current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [address.strip() for address in recipients if address and address.strip()]
    if not recipients:
        return
    # robust: a mail server being down must not turn a committed change into an error.
    transaction.on_commit(lambda: deliver(recipients, subject, body), robust=True)


def deliver(recipients: list[str], subject: str, body: str) -> None:
    """Send now, through GOV.UK Notify or Django's email backend."""
    if settings.OSR_NOTIFY_API_KEY:
        _through_notify(recipients, subject, body)
    else:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    log.info("email sent", extra={"subject": subject, "recipients": len(recipients)})


def _through_notify(recipients: list[str], subject: str, body: str) -> None:
    # Notify sends from a template; OSR's has the placeholders ((subject)) and ((body)).
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(settings.OSR_NOTIFY_API_KEY)
    for address in recipients:
        client.send_email_notification(
            email_address=address,
            template_id=settings.OSR_NOTIFY_TEMPLATE_ID,
            personalisation={"subject": subject, "body": body},
        )
