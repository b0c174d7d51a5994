"""Audit entries for objects written in bulk, as django-auditlog would have written them.

``bulk_create`` and ``bulk_update`` send no signals, so auditlog writes no entry
for them. A caller that writes in bulk builds here the entries auditlog's
receivers would have made (the same diff, representation, serialised data,
additional data and request id), and ``write`` stores them in one statement and
seals them in one pass of the audit chain. Each entry goes through ``pre_save``
first, as a saved one does, so whoever is acting (the request's person, a
command's ``--by``, a task's) is written into it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from .auditchain import seal_entries


def _json() -> bool:
    return getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)


def enabled() -> bool:
    """Whether auditlog is recording (it can be switched off for a block of work)."""
    return not auditlog_disabled.get()


def _entry(instance: Model, action: int, changes) -> LogEntry:
    # The fields LogEntryManager.log_create fills in, built without saving.
    pk = instance.pk
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=pk,
        object_repr=smart_str(instance),
        serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
        action=action,
        changes=changes,
        cid=get_cid(),
    )
    if isinstance(pk, int):
        entry.object_id = pk
    additional = getattr(instance, "get_additional_data", None)
    if callable(additional):
        entry.additional_data = additional()
    return entry


def created(instance: Model, relations: dict | None = None) -> LogEntry:
    """The entry auditlog writes when ``instance`` is first saved.

    auditlog's diff of a new object also lists its reverse relations, which read
    the same for every new object of a model (no related objects yet): given a
    ``relations`` dict, they are read once a model and kept there.
    """
    model = type(instance)
    columns = [field.name for field in model._meta.concrete_fields]
    changes = model_instance_diff(
        None, instance, fields_to_check=columns, use_json_for_changes=_json()
    )
    if relations is None or model not in relations:
        # A reverse one-to-one is a query each; a new object has none, which is
        # what the query would find.
        for relation in model._meta.related_objects:
            if relation.one_to_one and not relation.is_cached(instance):
                relation.set_cached_value(instance, None)
        reverse = [field.name for field in model._meta.get_fields() if not field.concrete]
        found = model_instance_diff(
            None, instance, fields_to_check=reverse, use_json_for_changes=_json()
        )
        if relations is None:
            return _entry(instance, LogEntry.Action.CREATE, (changes or {}) | (found or {}))
        relations[model] = found or {}
    return _entry(instance, LogEntry.Action.CREATE, (changes or {}) | relations[model])


def updated(before: Model, instance: Model) -> LogEntry | None:
    """The entry auditlog writes when ``instance`` is saved over ``before``, or None
    when no audited field changed (auditlog writes none then either)."""
    changes = model_instance_diff(before, instance, use_json_for_changes=_json())
    return _entry(instance, LogEntry.Action.UPDATE, changes) if changes else None


def related(instance: Model, field: str, operation: str, objects: Iterable[Model]) -> LogEntry:
    """The entry auditlog writes when objects are added to (``"add"``) or removed from
    (``"delete"``) a many-to-many field, the objects in their model's order."""
    ordered = sorted(objects, key=_ordering_key)
    changes = {
        field: {"type": "m2m", "operation": operation, "objects": [smart_str(o) for o in ordered]}
    }
    return _entry(instance, LogEntry.Action.UPDATE, changes)


def _ordering_key(obj: Model) -> tuple:
    # auditlog lists them as a query returns them: in the model's default order.
    key = []
    for name in obj._meta.ordering or ():
        if not isinstance(name, str):
            continue
        value: object = obj
        for part in name.lstrip("-").split("__"):
            value = getattr(value, "pk" if part == "id" else part)
        key.append(value)
    return (*key, obj.pk)


def write(entries: list[LogEntry], using: str = "default") -> None:
    """Store entries in one statement and seal them in order, in the caller's transaction."""
    if not entries:
        return
    for entry in entries:
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=using, update_fields=None)
    LogEntry.objects.using(using).bulk_create(entries)
    seal_entries(entries, using)
