"""Checks of the keys that encrypt webhook secrets: malformed ones stop OSR, missing ones
fail ``osr check --deploy``."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from .signing import keys_problem

_HINT = (
    'Make a key with python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())" and set OSR_WEBHOOK_KEYS (or OSR_WEBHOOK_KEYS_FILE)'
)


@checks.register(checks.Tags.security)
def check_webhook_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Keys that are set but are not Fernet keys."""
    keys = list(settings.OSR_WEBHOOK_KEYS)
    problem = keys_problem(keys) if keys else ""
    return [checks.Error(problem, hint=_HINT, id="devtools.E001")] if problem else []


@checks.register(checks.Tags.security, deploy=True)
def check_webhook_keys_set(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """No key in production: a GitHub integration could be neither made nor verified."""
    if settings.OSR_WEBHOOK_KEYS:
        return []
    return [
        checks.Error(
            "OSR_WEBHOOK_KEYS is not set: GitHub webhook secrets cannot be kept or checked",
            hint=_HINT,
            id="devtools.E002",
        )
    ]
