"""Attributing writes to the person who made them, outside a request too."""

import contextlib

from auditlog.context import auditlog_value, set_actor


def acting_as(user):
    """Attribute audit entries to ``user`` unless a request already does.

    Opening a second actor context inside a request's would detach the
    request's own context, so the request's actor is kept when there is one.
    """
    try:
        current = auditlog_value.get()
    except LookupError:
        current = None
    if current and current.get("actor") is not None:
        return contextlib.nullcontext()
    if user is None or not getattr(user, "is_authenticated", False):
        return contextlib.nullcontext()
    return set_actor(user)
