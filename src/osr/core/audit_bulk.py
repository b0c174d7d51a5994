"""Audit entries for objects written in bulk, as django-auditlog would have written them.

``bulk_create`` and ``bulk_update`` send no signals, so auditlog writes no entry
for them. A caller that writes in bulk builds here the entries auditlog's
receivers would have made (the same diff, representation, serialised data,
additional data and request id), and ``write`` stores them and seals them in one
pass of the audit chain. Each entry goes through ``pre_save`` first, as a saved
one does, so whoever is acting (the request's person, a command's ``--by``, a
task's) is written into it the same way.

An import writes tens of thousands of entries at once, so the costs auditlog
pays an object are paid here a model: which fields its diff lists and how each
is read. The rows go in with one statement a batch (``insert``, which the import
also writes its new objects with), each value prepared by its field as
``bulk_create`` would, without the per-value machinery of the query compiler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import get_field_value, model_instance_diff, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, transaction
from django.db.models import BooleanField, CharField, DateTimeField, Field, JSONField, Model
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.encoding import smart_str

from .auditchain import SealRow, append_seals, locked_head
from .audithash import digest, entry_content, label

# How auditlog's diff reads a field's value (``auditlog.diff.get_field_value``).
PLAIN, KEY, MOMENT, OTHER = "plain", "key", "moment", "other"


def _json() -> bool:
    return getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)


def enabled() -> bool:
    """Whether auditlog is recording (it can be switched off for a block of work)."""
    return not auditlog_disabled.get()


def _entry(instance: Model, action: int, changes, content_type_id: int | None = None) -> LogEntry:
    # The fields LogEntryManager.log_create fills in, built without saving.
    pk = instance.pk
    if content_type_id is None:
        content_type_id = ContentType.objects.get_for_model(instance).pk
    given = {
        "content_type_id": content_type_id,
        "object_pk": pk,
        "object_id": pk if isinstance(pk, int) else None,
        "object_repr": smart_str(instance),
        "serialized_data": LogEntry.objects._get_serialized_data_or_none(instance),
        "action": action,
        "changes": changes,
        "cid": get_cid(),
    }
    additional = getattr(instance, "get_additional_data", None)
    if callable(additional):
        given["additional_data"] = additional()
    # Every column in order, the model's default where none is given: positional
    # arguments are the quick way through ``Model.__init__`` for thousands of entries.
    columns = LogEntry._meta.concrete_fields
    return LogEntry(*[given[f.attname] if f.attname in given else f.get_default() for f in columns])


def created(instance: Model, models: dict | None = None) -> LogEntry:
    """The entry auditlog writes when ``instance`` is first saved.

    Given a ``models`` dict, what the entry needs of each model (the fields the
    diff lists, the content type) is worked out once a model and kept there.
    """
    model = type(instance)
    if models is None:
        models = {}
    if model not in models:
        models[model] = (_tracked(model), ContentType.objects.get_for_model(instance).pk)
    tracked, content_type_id = models[model]
    if tracked is None or _json():
        columns = [field.name for field in model._meta.concrete_fields]
        changes = model_instance_diff(
            None, instance, fields_to_check=columns, use_json_for_changes=_json()
        )
    else:
        changes = _fresh(instance, tracked)
    return _entry(instance, LogEntry.Action.CREATE, changes or {}, content_type_id)


def _tracked(model: type[Model]) -> list[tuple] | None:
    """The columns auditlog's diff lists for ``model``, each with how its value is
    read; None where the model masks a field (auditlog's diff then does it all)."""
    registered = auditlog.get_model_fields(model)
    if registered["mask_fields"]:
        return None
    fields = [field for field in model._meta.concrete_fields if track_field(field)]
    if registered["include_fields"]:
        fields = [field for field in fields if field.name in registered["include_fields"]]
    if registered["exclude_fields"]:
        fields = [field for field in fields if field.name not in registered["exclude_fields"]]
    keys_as_text = getattr(settings, "AUDITLOG_USE_FK_STRING_REPRESENTATION", False)
    tracked = []
    for field in fields:
        if isinstance(field, DateTimeField):
            kind = MOMENT
        elif field.is_relation:
            related = hasattr(field, "rel_class") and (field.one_to_one or field.many_to_one)
            kind = KEY if related and not keys_as_text else OTHER
        elif isinstance(field, JSONField):
            kind = OTHER
        else:
            kind = PLAIN
        tracked.append((field, kind))
    return tracked


def _fresh(instance: Model, tracked: list[tuple]) -> dict:
    """auditlog's diff of a new object, field by field as ``get_field_value`` reads it:
    each value against ``"None"``, what a new object's fields were before."""
    changes: dict = {}
    aware = settings.USE_TZ
    for field, kind in tracked:
        try:
            if kind is PLAIN:
                value = getattr(instance, field.attname)
                if type(value) is not str:
                    value = smart_str(value)
            elif kind is KEY:
                value = smart_str(getattr(instance, field.attname), strings_only=True)
            elif kind is MOMENT:
                value = getattr(instance, field.attname)
                try:
                    value = field.to_python(value)
                except TypeError:
                    pass
                else:
                    if value is not None and aware and not timezone.is_naive(value):
                        value = timezone.make_naive(value, timezone=UTC)
            else:
                value = get_field_value(instance, field)
        except (ObjectDoesNotExist, AttributeError):
            value = get_field_value(instance, field)
        if value != "None":
            # smart_str gives text back as it is.
            changes[field.name] = ("None", value if type(value) is str else smart_str(value))
    return changes


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
    """Store entries and seal them in order, in the caller's transaction."""
    if not entries:
        return
    for entry in entries:
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=using, update_fields=None)
    with transaction.atomic(using=using):
        insert(entries, using)
        seal_entries(entries, using)


def insert(objs: list, using: str = "default") -> None:
    """Insert new objects of one model a batch a statement, giving each its key: what
    ``bulk_create`` does for them, without its query compiler's work on every value.

    An import inserts tens of thousands of objects and their audit entries at once.
    A model out of the ordinary (keys given or not numbered by the database,
    columns the database fills, a parent model) goes to ``bulk_create``.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[using]
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or meta.parents
        or meta.pk.get_internal_type() not in _NUMBERED
        or any(_filled_by_database(field) for field in fields)
        or any(obj.pk is not None or type(obj) is not model for obj in objs)
    ):
        model._base_manager.using(using).bulk_create(objs)
        return
    readers = [_reader(field) for field in fields]
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        rows.append([read(obj) for read in readers])
    # A column no object fills (most audit entries have no address or extra data)
    # is left for the database to fill with NULL, as the objects say.
    kept = [
        number
        for number, field in enumerate(fields)
        if not field.null or any(row[number] is not None for row in rows)
    ]
    fields = [fields[number] for number in kept]
    preparing = [_preparing(field) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    returning, _params = connection.ops.return_insert_columns([meta.pk])  # type: ignore[attr-defined]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            values = []
            for full in rows[start : start + size]:
                for number, prepare in zip(kept, preparing, strict=True):
                    value = full[number]
                    if value is not None and prepare is not None:
                        value = prepare(value, connection)
                    values.append(value)
            batch = objs[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "
                f"VALUES {', '.join([row] * len(batch))} {returning}",
                values,
            )
            for obj, (pk, *_rest) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = using


def _reader(field: Field) -> Callable[[Model], Any]:
    """``field.pre_save(obj, add=True)``, which for most fields reads the attribute."""
    if type(field).pre_save is Field.pre_save:
        return attrgetter(field.attname)
    return lambda obj: field.pre_save(obj, add=True)


def _filled_by_database(field: Field) -> bool:
    return bool(getattr(field, "generated", False) or field.db_returning or field.has_db_default())


def _preparing(field: Field):
    """How a value of ``field`` is readied for the database: text as text, whole
    numbers and keys to them as they are, anything else by the field itself."""
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField"):
        return _text
    if kind in _WHOLE_NUMBERS or (
        kind == "ForeignKey"
        and field.target_field.get_internal_type() in _WHOLE_NUMBERS | _NUMBERED  # type: ignore[attr-defined]
    ):
        return None
    if kind == "SlugField" and _prepared_as(field, CharField):
        return _text
    if kind == "BooleanField" and _prepared_as(field, BooleanField):
        # A true or false value is stored as it is; anything else as the field makes it.
        return lambda value, connection: (
            value if type(value) is bool else field.get_db_prep_save(value, connection)
        )
    if kind == "DateTimeField" and _prepared_as(field, DateTimeField):
        # What the field's own preparation comes to for a moment with its time zone.
        return lambda value, connection: (
            connection.ops.adapt_datetimefield_value(value)
            if type(value) is datetime and value.utcoffset() is not None
            else field.get_db_prep_save(value, connection)
        )
    if isinstance(field, JSONField):
        # What the field's own preparation comes to for a mapping or a list.
        return lambda value, connection: (
            connection.ops.adapt_json_value(value, field.encoder)
            if type(value) in (dict, list)
            else field.get_db_prep_save(value, connection)
        )
    return lambda value, connection: field.get_db_prep_save(value, connection)


def _prepared_as(field: Field, kind: type[Field]) -> bool:
    """Whether ``field`` readies a value for the database as fields of ``kind`` do."""
    of = type(field)
    return (
        of.get_db_prep_save is Field.get_db_prep_save
        and of.get_db_prep_value is kind.get_db_prep_value
        and of.get_prep_value is kind.get_prep_value
    )


def _text(value, connection) -> str:
    # A choice is a subclass of text: stored as its text, as the database driver would.
    if type(value) is str:
        return value
    return str.__str__(value) if isinstance(value, str) else str(value)


_WHOLE_NUMBERS = frozenset(
    {
        "BigIntegerField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    }
)
_NUMBERED = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})


def seal_entries(entries: list[LogEntry], using: str = "default") -> None:
    """Seal entries written together (which sends no ``post_save``), in the order given,
    taking the chain head once for them all.

    Each entry is sealed exactly as ``auditchain.seal_entry`` seals one, so
    ``verify`` cannot tell them apart; the head moves once, to the last of them.
    """
    if not entries:
        return
    with transaction.atomic(using=using):
        head = locked_head(using)
        sequence, prev_hash = head.sequence, head.hash
        labels: dict[int, str] = {}
        rows: list[SealRow] = []
        for entry in entries:
            sequence += 1
            kind = entry.content_type_id
            if kind not in labels:
                labels[kind] = label(kind)
            content = entry_content(entry, labels[kind])
            sealed = digest(content, sequence, prev_hash)
            rows.append((entry.pk, sequence, prev_hash, sealed, content["actor"]))
            prev_hash = sealed
        append_seals(using, rows)
