"""Attributing writes to the person who made them, named once where work enters OSR.

Each entry point names the person, and nothing below it does: a request's person
by ``AuditlogMiddleware``, a command's by ``AttributedCommand``, a background
task's by ``@attributed``. One receiver, connected at start-up, writes the person
(and a request's address) into each new audit entry that no one has attributed
yet. Nothing here depends on how auditlog keeps its own context.
"""

import contextlib
import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from auditlog import get_logentry_model, middleware, receivers
from auditlog.cid import set_cid
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.db.models.signals import pre_save

from . import locked_rows

_acting: ContextVar = ContextVar("osr_acting_person", default=None)
# The address a request came from, as auditlog's middleware reads it: {"remote_addr": ...,
# "remote_port": ...}; None outside a request.
_address: ContextVar = ContextVar("osr_request_address", default=None)


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
    # auditlog's receiver of an update reads the stored row again; ours takes the row
    # the update's transaction locked, where it kept one (``locked_rows``), and writes
    # the entry as auditlog's does. Both names are private to the auditlog version
    # pinned: OSR refuses to start if either has moved, rather than audit differently.
    uid = auditlog._dispatch_uid(pre_save, receivers.log_update)
    if not (pre_save.disconnect(sender=model, dispatch_uid=uid) and _WRITES_ENTRY):
        raise ImproperlyConfigured(f"auditlog's update receiver of {model} is not where it was")
    pre_save.connect(
        _log_update, sender=model, dispatch_uid=f"osr.audit.update.{model._meta.label}"
    )


_WRITES_ENTRY = callable(getattr(receivers, "_create_log_entry", None))


@receivers.check_disable
def _log_update(sender, instance, **kwargs) -> None:
    """auditlog's entry of an update, compared with the row as the transaction locked it
    where one is kept, or else with the row read again (as auditlog does)."""
    stored = None if instance._state.adding else locked_rows.as_stored(sender, instance.pk)
    if stored is None:
        receivers.log_update(sender, instance, **kwargs)
        return
    receivers._create_log_entry(
        action=get_logentry_model().Action.UPDATE,
        instance=instance,
        sender=sender,
        diff_old=stored,
        diff_new=instance,
        fields_to_check=kwargs.get("update_fields"),
        use_json_for_changes=getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False),
    )


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


class AuditlogMiddleware(middleware.AuditlogMiddleware):
    """auditlog's middleware (the request's person, address and request id, read as it
    reads them), kept in context for the receiver connected at start-up.

    auditlog's own connects a receiver to ``pre_save`` at the start of every request
    and disconnects it at the end; each of those empties Django's cache of the
    receivers of every model's ``pre_save``, so every save of every request looked
    them up again.
    """

    def __call__(self, request):
        set_cid(request)
        extra = self.get_extra_data(request)
        address = _address.set(
            {"remote_addr": extra["remote_addr"], "remote_port": extra["remote_port"]}
        )
        try:
            with acting_as(extra["actor"]):
                return self.get_response(request)
        finally:
            _address.reset(address)


def _attribute(sender, instance: LogEntry, **kwargs) -> None:
    if instance.pk is not None:
        return
    person = _acting.get()
    if person is not None and instance.actor_id is None:
        instance.actor = person
        instance.actor_email = getattr(person, "email", None) or None
    address = _address.get()
    if address is not None:
        instance.remote_addr = address["remote_addr"]
        instance.remote_port = address["remote_port"]


def connect() -> None:
    """Connect the attribution of new audit entries (from ``CoreConfig.ready``)."""
    pre_save.connect(_attribute, sender=LogEntry, dispatch_uid="osr.audit.attribute")
