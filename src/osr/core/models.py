"""Models every app shares: the base model and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


class TimestampedModel(models.Model):
    """A domain object that knows when it was created and last changed."""

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API, named by its holder. Only its SHA-256 is stored.

    A token works until the end of its expiry day (none: until revoked) and is
    kept once revoked, so that a client using it is told why it is refused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart")
    read_only = models.BooleanField(default=False, help_text="Refused on every write")
    created = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(
        null=True, blank=True, help_text="The last day it works (empty: until revoked)"
    )
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The holder, an administrator, or empty for the command line",
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name or self.prefix + '…'} ({self.user})"

    @classmethod
    def issue(cls, user, *, name: str = "", expires_on=None, read_only: bool = False) -> str:
        """Create a token for the user and return the raw value, shown only once."""
        raw = "osr_" + secrets.token_urlsafe(32)
        cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            prefix=raw[4:12],
            expires_on=expires_on,
            read_only=read_only,
        )
        return raw

    def is_expired(self, today) -> bool:
        """Whether the token had stopped working by ``today``: it works to the end of its day."""
        return self.expires_on is not None and today > self.expires_on


class ExternalIdentity(models.Model):
    """A user's account at an identity provider, by the provider's stable id for them.

    For Microsoft Entra ID the subject is the ``oid`` claim: the user's object id,
    fixed for the life of the account across every application in the tenant,
    whereas an email address or user principal name can be changed or reused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(max_length=255, help_text="The identity provider's issuer URL")
    subject = models.CharField(max_length=255, help_text="The provider's stable id of the user")
    created = models.DateTimeField(auto_now_add=True)
    last_sign_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique_subject"
            )
        ]
        verbose_name_plural = "external identities"

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer} ({self.user})"


class AuditSeal(models.Model):
    """The seal of one audit entry: its place in the audit chain and the hash that chains it.

    The hash covers the entry's content, its sequence number and the previous
    seal's hash, so an entry edited, inserted or deleted behind OSR's back breaks
    the chain where it happened (``osr audit verify``).
    """

    log_entry = models.OneToOneField(
        "auditlog.LogEntry", on_delete=models.PROTECT, related_name="seal"
    )
    sequence = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Deleting a user clears the actor of their entries; the sealed actor lets
    # verification tell that from tampering.
    actor_pk = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"Audit entry {self.sequence}"


class AuditChainHead(models.Model):
    """The end of the audit chain: the last sequence number and its hash.

    A single row that every transaction writing audit entries locks, so that
    entries are sealed one after another in commit order by any number of processes.
    """

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Audit chain head at {self.sequence}"


class IdempotentRequest(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key``, replayed for retries.

    An integration that retries after a timeout sends the same key again; OSR
    answers as it did the first time and creates nothing more.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # None: still running
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


# The notification models live with the rest of notifications; imported here so
# that Django finds them in the core app.
from .notifications.models import (  # noqa: E402, F401
    DailyRun,
    Notification,
    NotificationPreference,
)
