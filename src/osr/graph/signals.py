"""Every write that changes the graph gives it a new version, in the same transaction.

A new version makes every process rebuild its index, so a service's save gives one
only when it changes what the index is built from (``index._load_index``): editing a
description or a contact leaves every process's index as it is. Any save of an
external system or a dependency, and any delete, still gives one.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from osr.catalogue.models import Dependency, ExternalSystem, Service
from osr.core import locked_rows

from .models import GraphVersion

GRAPH_MODELS = (Service, ExternalSystem, Dependency)

# A service's fields the index reads (by name, and as stored on the instance).
SERVICE_INDEX_FIELDS = frozenset(
    {"slug", "name", "phase", "critical", "uses_live_data", "delivery_group"}
)
_SERVICE_COLUMNS = tuple(
    sorted(
        field.attname
        for field in Service._meta.concrete_fields
        if field.name in SERVICE_INDEX_FIELDS
    )
)


def graph_changed(sender, **kwargs) -> None:
    GraphVersion.bump()


def _service_saving(sender, instance: Service, update_fields=None, **kwargs) -> None:
    instance._changes_graph = _changes_index(instance, update_fields)  # type: ignore[attr-defined]


def _service_saved(sender, instance: Service, created: bool = False, **kwargs) -> None:
    changes = instance.__dict__.pop("_changes_graph", True)
    if created or changes:
        GraphVersion.bump()


def _changes_index(instance: Service, update_fields) -> bool:
    """Whether saving the service may change what the index holds of it.

    A save of named fields changes the graph if it names one the index reads (a
    phase move does, a confirmation of contacts does not). A save of every field is
    compared with the stored row, not with what was read when the service was loaded:
    a save that puts back a phase someone else has just changed changes the graph
    too. The row is locked first, so no other write to it can come in between; where
    the save's transaction locked it when it read the service, the row as read then
    is what is stored (``locked_rows``).
    """
    if instance._state.adding or instance.pk is None:
        return True
    if update_fields is not None:
        return bool(SERVICE_INDEX_FIELDS & set(update_fields))
    locked = locked_rows.as_stored(Service, instance.pk)
    before: tuple | None
    if locked is not None:
        before = tuple(getattr(locked, column) for column in _SERVICE_COLUMNS)
    else:
        stored = Service.objects.filter(pk=instance.pk)
        if transaction.get_connection().in_atomic_block:
            stored = stored.select_for_update()
        before = stored.values_list(*_SERVICE_COLUMNS).first()
    return before != tuple(getattr(instance, column) for column in _SERVICE_COLUMNS)


def connect() -> None:
    """Watch the models the index is built from (writes through ``QuerySet.update``
    or ``bulk_create`` send no signal: callers of those bump the version themselves)."""
    pre_save.connect(_service_saving, sender=Service, dispatch_uid="graph-saving-Service")
    post_save.connect(_service_saved, sender=Service, dispatch_uid="graph-save-Service")
    for model in GRAPH_MODELS:
        if model is not Service:
            post_save.connect(
                graph_changed, sender=model, dispatch_uid=f"graph-save-{model.__name__}"
            )
        post_delete.connect(
            graph_changed, sender=model, dispatch_uid=f"graph-delete-{model.__name__}"
        )
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                graph_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"graph-m2m-{model.__name__}-{field.name}",
            )
