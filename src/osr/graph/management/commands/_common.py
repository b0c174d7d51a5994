"""What the graph's commands share: finding the service and the acting user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.http import Http404

from osr.graph import services


def service_named(slug: str):
    try:
        return services.service_or_404(slug)
    except Http404 as error:
        raise CommandError(f"No service with the slug ‘{slug}’") from error


def acting_user(username: str | None):
    """The user the audit trail names for a command's writes (None: the system)."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"No user ‘{username}’") from error
