"""The ways a notification leaves OSR: GOV.UK Notify or SMTP for email, and Microsoft Teams.

Each function sends or raises; the outbox decides about retrying.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings
from django.core.mail import EmailMessage

from .choices import Channel
from .models import Notification
from .outbox import safe_subject


def sent_together(notification: Notification) -> bool:
    """Whether rows of one message go as one email: over SMTP yes; Notify takes one address."""
    return notification.channel == Channel.EMAIL and not settings.OSR_NOTIFY_API_KEY


def send(rows: list[Notification]) -> None:
    """Send one message: a Teams post, an email through Notify, or one email to every row."""
    first = rows[0]
    if first.channel == Channel.TEAMS:
        post_to_teams(first.recipient, teams_card(first))
        return
    send_email(
        [row.recipient for row in rows],
        first.subject,
        with_link(first.body, first.link),
        template=first.kind,
        reference=f"osr-notification-{first.pk}",
    )


def with_link(body: str, link: str) -> str:
    return f"{body}\n\n{link}" if link and link not in body else body


def send_email(to: list[str], subject: str, body: str, *, template: str, reference: str) -> None:
    """An email, through GOV.UK Notify when a key is set, otherwise Django's email backend."""
    subject = safe_subject(subject)
    if settings.OSR_NOTIFY_API_KEY:
        # Notify sends from a template; each of OSR's has the placeholders
        # ((subject)) and ((body)). A kind without its own template uses the default.
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(settings.OSR_NOTIFY_API_KEY)
        for address in to:
            client.send_email_notification(
                email_address=address,
                template_id=settings.OSR_NOTIFY_TEMPLATES.get(template)
                or settings.OSR_NOTIFY_TEMPLATE_ID,
                personalisation={"subject": subject, "body": body},
                reference=reference,
            )
    else:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()


def teams_card(notification: Notification) -> dict[str, Any]:
    """The message an incoming webhook takes: one Adaptive Card (version 1.4) as an attachment."""
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": notification.subject,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "TextBlock", "text": notification.body, "wrap": True},
        ],
    }
    if notification.link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": "Open in OSR", "url": notification.link}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def post_to_teams(webhook_url: str, message: dict[str, Any]) -> None:
    """Post a message to a Teams channel's incoming webhook; any answer but 2xx raises."""
    response = httpx.post(webhook_url, json=message, timeout=settings.OSR_TEAMS_TIMEOUT_SECONDS)
    response.raise_for_status()
