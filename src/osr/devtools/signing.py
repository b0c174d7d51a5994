"""Webhook secrets: made for an integration, shown once, kept only as verifying needs them.

A secret is 32 random bytes, so it cannot be guessed from a fast hash of it.
How it is kept depends on how the code host proves it holds the secret:

- GitLab (``X-Gitlab-Token``) and Azure DevOps (a basic authentication
  password, or a header) send the secret itself: OSR compares it with the
  SHA-256 digest it keeps (``sha256$<hex>``), so the database never holds it.
- GitHub signs each delivery with HMAC-SHA256 keyed by the secret, and
  checking a signature needs the secret itself. It is kept encrypted
  (``fernet$<token>``) with the keys of ``OSR_WEBHOOK_KEYS``: the first key
  encrypts, every key decrypts, so a new key is put first, ``osr devtools
  rekey`` encrypts every secret again with it, and the old key is then removed.

Neither depends on ``OSR_SECRET_KEY``, so changing that key breaks no integration.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DIGEST = "sha256$"
SEALED = "fernet$"


def new_secret() -> str:
    """A new webhook secret, to be shown once."""
    return "osrwh_" + secrets.token_urlsafe(32)


def keep(secret: str, *, needs_secret: bool) -> str:
    """What is stored of a secret: encrypted when verifying needs it, else its digest."""
    if needs_secret:
        return SEALED + _keys().encrypt(secret.encode()).decode()
    return DIGEST + hashlib.sha256(secret.encode()).hexdigest()


def unsealed(kept: str) -> str:
    """The secret kept encrypted; empty for a digest or what no key in force decrypts."""
    if not kept.startswith(SEALED):
        return ""
    try:
        return _keys().decrypt(kept.removeprefix(SEALED).encode()).decode()
    except InvalidToken:
        return ""


def matches(kept: str, given: str) -> bool:
    """Whether a secret sent by a code host is the one kept, compared in constant time."""
    if not given:
        return False
    if kept.startswith(DIGEST):
        return same(DIGEST + hashlib.sha256(given.encode()).hexdigest(), kept)
    secret = unsealed(kept)
    return bool(secret) and same(given, secret)


def sealed_again(kept: str) -> str:
    """An encrypted secret encrypted with the first key; anything else unchanged."""
    if not kept.startswith(SEALED):
        return kept
    return SEALED + _keys().rotate(kept.removeprefix(SEALED).encode()).decode()


def keys_problem(keys: list[str]) -> str:
    """Why the configured keys cannot be used, or an empty string."""
    if not keys:
        return "OSR_WEBHOOK_KEYS is not set: GitHub webhook secrets need it"
    for n, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            return f"OSR_WEBHOOK_KEYS: key {n} is not a Fernet key (32 url-safe base64 bytes)"
    return ""


def _keys() -> MultiFernet:
    keys = list(settings.OSR_WEBHOOK_KEYS)
    problem = keys_problem(keys)
    if problem:
        raise ImproperlyConfigured(problem)
    return MultiFernet([Fernet(key) for key in keys])


def same(given: str, expected: str) -> bool:
    """Compare in constant time, so timing does not reveal how much of a secret matched."""
    return hmac.compare_digest(given.encode(), expected.encode())


def github_signature(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value GitHub sends for a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
