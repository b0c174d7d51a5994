"""Attributing writes to the person who made them, named once where work enters OSR.

Each entry point names the person, and nothing below it does: a request's person
by django-auditlog's middleware, a command's by ``AttributedCommand``, a
background task's by ``@attributed``. One receiver, connected at start-up, writes
the person into each new audit entry that no one has attributed yet. Nothing here
depends on how auditlog keeps its own context.
"""

import contextlib
import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.management.base import BaseCommand
from django.db.models.signals import pre_save

_acting: ContextVar = ContextVar("osr_acting_person", default=None)


def register(model, *, exclude_fields=(), **options) -> None:
    """Put ``model`` in the audit trail (auditlog's ``register``), its reverse relations
    left out.

    auditlog's diff of a new or deleted object lists every field of its model,
    reverse relations included: a reverse one-to-one is a query each (four for a new
    service, which can have none of them yet) and a reverse foreign key reads as a
    meaningless value ("catalogue.Component.None"). What refers to an object is
    audited as that other object. Called once every model is loaded (an app's ``ready``).
    """
    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    auditlog.register(model, exclude_fields=[*exclude_fields, *reverse], **options)


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


class AttributedCommand(BaseCommand):
    """A command whose writes the audit trail attributes to ``acting_user(options)``."""

    def acting_user(self, options: dict) -> Any:
        """The person the command acts for; None (the default) is the system."""
        return None

    def execute(self, *args, **options):
        with acting_as(self.acting_user(options)):
            return super().execute(*args, **options)


def attributed(person_of: Callable[..., Any]):
    """Run a background task acting for ``person_of(*args, **kwargs)``."""

    def decorate(work):
        @functools.wraps(work)
        def run(*args, **kwargs):
            with acting_as(person_of(*args, **kwargs)):
                return work(*args, **kwargs)

        return run

    return decorate


def _attribute(sender, instance: LogEntry, **kwargs) -> None:
    person = _acting.get()
    if person is not None and instance.pk is None and instance.actor_id is None:
        instance.actor = person
        instance.actor_email = getattr(person, "email", None) or None


def connect() -> None:
    """Connect the attribution of new audit entries (from ``CoreConfig.ready``)."""
    pre_save.connect(_attribute, sender=LogEntry, dispatch_uid="osr.audit.attribute")
