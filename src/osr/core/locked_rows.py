"""A row a transaction has locked, as it was read: what the save that follows compares with.

An update's audit entry lists what changed against the stored row, and the graph
asks whether a service's save changes what its index reads: each read the row
again before the save. A write that locked the row when it read it (an edit's
version check, a phase move) holds what is stored: no other transaction can change
the row until it ends. So it keeps a copy of the row as read, before changing the
object in place, and the save's receivers compare with that copy.

The copy counts for the next save of that row inside the block, once: a save makes
the stored row what was saved. A receiver that finds no copy reads the row itself.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_save

# (model, key) -> the row as locked; None outside a block.
_kept: ContextVar[dict[tuple[type[Model] | None, object], Model] | None] = ContextVar(
    "osr_locked_rows", default=None
)


def _key(model: type[Model], pk: object) -> tuple[type[Model] | None, object]:
    return model._meta.concrete_model, pk


def copy_of(obj: Model) -> Model | None:
    """The object as read, apart from the object that will be changed in place; None
    when it was not read whole (a deferred field would be read again, as it is now)."""
    if obj.pk is None or obj.get_deferred_fields():
        return None
    kept = copy.copy(obj)  # its own state, and its own cache of related objects
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        if isinstance(value, dict | list):  # a JSON value a form could change in place
            setattr(kept, field.attname, copy.deepcopy(value))
    return kept


@contextlib.contextmanager
def kept(row: Model | None) -> Iterator[None]:
    """Within the block, ``row`` (a ``copy_of`` an object read with its row locked in
    the current transaction) stands for the stored row until that row is saved."""
    if row is None or not transaction.get_connection().in_atomic_block:
        yield
        return
    rows = dict(_kept.get() or {})
    rows[_key(type(row), row.pk)] = row
    token = _kept.set(rows)
    try:
        yield
    finally:
        _kept.reset(token)


def as_stored(model: type[Model], pk: object) -> Model | None:
    """The row as the current transaction locked and read it, if it is kept and not
    saved since; None otherwise (read it)."""
    rows = _kept.get()
    if not rows:
        return None
    return rows.get(_key(model, pk))


def _saved(sender, instance: Model, **kwargs) -> None:
    rows = _kept.get()
    if rows:
        rows.pop(_key(sender, instance.pk), None)


def connect() -> None:
    """Forget a kept row once it is saved (from ``CoreConfig.ready``: connected before the
    apps above core connect theirs, so it is forgotten before a receiver of theirs could
    save the object again)."""
    post_save.connect(_saved, dispatch_uid="osr.locked_rows.saved")
