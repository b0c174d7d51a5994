"""Attributing writes to the person who made them, outside a request too.

A request's person is attributed by django-auditlog's middleware. Elsewhere (a
command, a background task, a service called with ``by=``) ``acting_as`` names
the person; one receiver, connected at start-up, writes them into each new audit
entry that no one has attributed yet. Nothing here depends on how auditlog keeps
its own context.
"""

import contextlib
from contextvars import ContextVar

from auditlog.models import LogEntry
from django.db.models.signals import pre_save

_acting: ContextVar = ContextVar("osr_acting_person", default=None)


@contextlib.contextmanager
def acting_as(user):
    """Attribute audit entries written inside the block to ``user``.

    An outer attribution (the command or task that called this) is kept: the
    entry point names the person once, and what it calls cannot change that.
    """
    if _acting.get() is not None or not getattr(user, "is_authenticated", False):
        yield
        return
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def _attribute(sender, instance: LogEntry, **kwargs) -> None:
    person = _acting.get()
    if person is not None and instance.pk is None and instance.actor_id is None:
        instance.actor = person
        instance.actor_email = getattr(person, "email", None) or None


def connect() -> None:
    """Connect the attribution of new audit entries (from ``CoreConfig.ready``)."""
    pre_save.connect(_attribute, sender=LogEntry, dispatch_uid="osr.audit.attribute")
