"""Attributing writes to the person who made them, outside a request too."""

import contextlib

from auditlog.context import auditlog_value, set_actor
from django.db.models.signals import pre_save


def _is_open(context) -> bool:
    """Whether an actor context is still in force: auditlog leaves the context
    variable set after its block ends, with its signal receiver disconnected."""
    duid = context.get("signal_duid")
    return any(lookup[0] == duid for lookup, *_rest in pre_save.receivers)


@contextlib.contextmanager
def acting_as(user):
    """Attribute audit entries to ``user`` unless a request already does.

    Opening a second actor context inside a request's would detach the
    request's own context, so the request's actor is kept when there is one.
    """
    try:
        current = auditlog_value.get()
    except LookupError:
        current = None
    if current and current.get("actor") is not None and _is_open(current):
        yield
        return
    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    token = auditlog_value.set({})
    try:
        with set_actor(user):
            yield
    finally:
        auditlog_value.reset(token)
