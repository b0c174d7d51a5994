"""Webhook secrets: made for an integration, shown once, never stored.

GitHub signs each delivery with HMAC-SHA256 keyed by the shared secret, so
verifying needs the secret itself, not a one-way hash of it. Rather than keep
the secret (or an encrypted copy and a key to manage), OSR derives it:
``HMAC-SHA256(SECRET_KEY, "osr.devtools.webhook:" + salt)``, where the salt is a
random value stored on the integration. The database alone therefore never
reveals a secret; the secret key is needed too. Rotating ``OSR_SECRET_KEY``
changes every webhook secret: integrations must then be created again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

_PURPOSE = "osr.devtools.webhook:"


def new_salt() -> str:
    return secrets.token_hex(16)


def secret_for(salt: str) -> str:
    """The webhook secret of the integration holding this salt."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), (_PURPOSE + salt).encode(), hashlib.sha256
    ).digest()
    return "osrwh_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def same(given: str, expected: str) -> bool:
    """Compare in constant time, so timing does not reveal how much of a secret matched."""
    return hmac.compare_digest(given.encode(), expected.encode())


def github_signature(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value GitHub sends for a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
