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
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user) -> str:
        """Create a token for the user and return the raw value, shown only once."""
        raw = "osr_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=hash_token(raw), prefix=raw[4:12])
        return raw

    @classmethod
    def user_for(cls, raw: str):
        """The active user holding this raw token, or None."""
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=hash_token(raw), user__is_active=True)
            .first()
        )
        return token.user if token else None
