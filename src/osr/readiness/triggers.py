"""What a stored readiness result is evaluated from, so that a change to it refreshes the result.

Readiness owns this registry. It names its own sources below (evidence, waivers,
and the catalogue's facts its checks read); an app above it that registers an
automatic check names the models its check loads, in its ``AppConfig.ready``:

    refresh_when_saved(MyitSnapshot, lambda snapshot: [snapshot.service_id])

A save or delete of such a model marks the services' results stale in the same
transaction and re-evaluates them once it commits. A write that sends no signal
(a queryset ``update``) calls ``changes.results_changed`` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_save, pre_delete

from osr.catalogue.models import (
    Component,
    Contract,
    Dependency,
    Person,
    PhaseChange,
    Service,
    Supplier,
)

from .changes import results_changed
from .models import Evidence, Waiver

M = TypeVar("M", bound=Model)

_sources: dict[type[Model], Callable[[Any], Iterable[int | None]]] = {}


def refresh_when_saved(model: type[M], services_of: Callable[[M], Iterable[int | None]]) -> None:
    """Refresh the results of ``services_of(instance)`` whenever a ``model`` is saved or deleted."""
    _sources[model] = services_of
    uid = f"readiness_results_{model._meta.label_lower}"
    post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}_saved", weak=False)
    # Before the delete, while the rows that lead to the services are still there.
    pre_delete.connect(_saved, sender=model, dispatch_uid=f"{uid}_deleted", weak=False)


def _saved(sender: type[Model], instance: Model, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures being loaded: ``osr readiness refresh`` follows
        return
    # A service just added has no stored result yet to mark.
    new = sender is Service and kwargs.get("created", False)
    results_changed(_sources[sender](instance), new=new)


def _contract_services(contract: Contract) -> Iterable[int]:
    return Component.objects.filter(contracts=contract).values_list("service_id", flat=True)


def _contract_components_changed(
    sender, instance: Model, action: str, reverse: bool, pk_set, **kwargs
) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # a component's contracts changed
        results_changed([instance.service_id])  # type: ignore[attr-defined]
    elif action == "pre_clear":
        results_changed(_contract_services(instance))  # type: ignore[arg-type]
    else:
        results_changed(
            Component.objects.filter(pk__in=pk_set).values_list("service_id", flat=True)
        )


def connect() -> None:
    refresh_when_saved(Evidence, lambda evidence: [evidence.service_id])
    refresh_when_saved(Waiver, lambda waiver: [waiver.service_id])
    refresh_when_saved(Service, lambda service: [service.pk])
    refresh_when_saved(PhaseChange, lambda change: [change.service_id])
    refresh_when_saved(Component, lambda component: [component.service_id])
    refresh_when_saved(Contract, _contract_services)
    refresh_when_saved(
        Dependency, lambda dependency: [dependency.from_service_id, dependency.to_service_id]
    )
    # A supplier's or a person's name is in the reasons AS-3 and LV-1 give.
    refresh_when_saved(
        Supplier,
        lambda supplier: Component.objects.filter(supplier=supplier).values_list(
            "service_id", flat=True
        ),
    )
    refresh_when_saved(
        Person,
        lambda person: Service.objects.filter(data_owner=person).values_list("id", flat=True),
    )
    m2m_changed.connect(
        _contract_components_changed,
        sender=Contract.components.through,
        dispatch_uid="readiness_results_contract_components",
    )
