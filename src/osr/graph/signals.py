"""Every write that changes the graph gives it a new version, in the same transaction."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from osr.catalogue.models import Dependency, ExternalSystem, Service

from .models import GraphVersion

GRAPH_MODELS = (Service, ExternalSystem, Dependency)


def graph_changed(sender, **kwargs) -> None:
    GraphVersion.bump()


def connect() -> None:
    """Watch the models the index is built from (writes through ``QuerySet.update``
    or ``bulk_create`` send no signal: callers of those bump the version themselves)."""
    for model in GRAPH_MODELS:
        post_save.connect(graph_changed, sender=model, dispatch_uid=f"graph-save-{model.__name__}")
        post_delete.connect(
            graph_changed, sender=model, dispatch_uid=f"graph-delete-{model.__name__}"
        )
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                graph_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"graph-m2m-{model.__name__}-{field.name}",
            )
