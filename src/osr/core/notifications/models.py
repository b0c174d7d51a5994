"""The outbox, people's choices of how often they hear of each kind, and the daily runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import Channel, Frequency, Kind, Status


class Notification(models.Model):
    """One message to one recipient (an email address, or a group's Teams channel).

    Written in the transaction of the change it tells of; delivered by the task
    worker, which claims a row before sending it and marks it sent after, so
    that it goes once however many workers look.
    """

    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.GENERAL)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # An email address, or a Teams channel's incoming webhook address.
    recipient = models.CharField(max_length=1000)
    recipient_name = models.CharField(max_length=200, blank=True, help_text="Whom it is for")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        help_text="The recipient's account, whose preferences decided how this is sent",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.URLField(max_length=500, blank=True)
    # What the notification is about, where the same thing must not be told twice
    # (an expiry warning found again by the next day's check).
    topic = models.CharField(max_length=200, blank=True)
    # The rows written together for one message: sent as one email to them all over
    # SMTP (Notify takes one address a call).
    batch = models.CharField(max_length=32, blank=True)
    digest = models.BooleanField(default=False, help_text="Held for the recipient's daily digest")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, help_text="Which delivery is sending it")
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "digest", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "channel", "recipient"],
                condition=~Q(topic=""),
                name="notification_once_per_topic",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_name or self.recipient}"


class NotificationPreference(models.Model):
    """How often a person hears of one kind of notification; without a row, as it happens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.NOW)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.frequency}"


class DailyRun(models.Model):
    """A scheduled job that ran for a day: recorded in its own transaction, so it runs once."""

    job = models.CharField(max_length=200)
    day = models.DateField()
    finished_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="one_run_a_day")]

    def __str__(self) -> str:
        return f"{self.job} on {self.day}"
