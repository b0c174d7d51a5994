"""Writing the objects an import has checked, a few statements a kind rather than a few
an object, with everything a save one at a time would have done.

An import stages each object its forms accepted, then ``flush`` writes them in the
order staged, a model at a time: new ones with ``bulk_create`` (which gives them
their keys, on PostgreSQL and on SQLite from 3.35), changed ones with
``bulk_update``, many-to-many members as rows of their table. A new service gets
the first entry of its phase history, as ``save_form`` gives it.

What the signals of a save would have done is done once for the lot:

- the audit trail (django-auditlog's ``post_save`` and ``m2m_changed`` receivers,
  and the chain's seal on each entry): the same entries, written and sealed
  together by ``osr.core.audit_bulk``;
- the graph's version (``graph_changed``): bumped once when a service, external
  system or dependency was written;
- the readiness obligations of a service that starts to use live data
  (``on_service_saved``): asked of each service written, as its save would;
- the stored readiness of each service written or whose parts were
  (``results_changed``): marked stale, and re-evaluated by the task worker once the
  import commits.

A preview writes the objects only, so that it checks exactly what applying would,
and leaves out the audit trail and these effects, which its rollback would undo.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError
from django.db.models import Model
from django.utils import timezone

from osr.catalogue import services as catalogue
from osr.catalogue.models import Dependency, ExternalSystem, PhaseChange, Service
from osr.core import audit_bulk
from osr.readiness.changes import results_changed
from osr.readiness.signals import on_service_saved

from .models import GraphVersion
from .preloaded import Lookups

GRAPH_MODELS = (Service, ExternalSystem, Dependency)


@dataclass
class Staged:
    """One object to write: new (``before`` is None) or changed from ``before``."""

    obj: Model
    before: Model | None
    fields: set[str] = field(default_factory=set)  # the model fields an update changes
    added: dict[str, list[Model]] = field(default_factory=dict)  # many-to-many, by field
    removed: dict[str, list[Model]] = field(default_factory=dict)


def snapshot(obj: Model | None) -> Model | None:
    """A copy of an object as loaded, before a form changes it, for the audit's diff."""
    return copy.copy(obj) if obj is not None else None


def stage(obj: Model, before: Model | None, cleaned: dict, initial: dict) -> Staged:
    """What writing a validated form's object involves: its changed fields and the
    members its many-to-many fields gain or lose."""
    staged = Staged(obj, before)
    if before is not None:
        for model_field in obj._meta.concrete_fields:
            name = model_field.attname
            if name != "updated" and getattr(before, name) != getattr(obj, name):
                staged.fields.add(name)
    for model_field in obj._meta.many_to_many:
        if model_field.name not in cleaned:
            continue
        now = {item.pk: item for item in cleaned[model_field.name]}
        had = set(initial.get(model_field.name) or ())
        if set(now) - had:
            staged.added[model_field.name] = [now[pk] for pk in now if pk not in had]
        if had - set(now):
            staged.removed[model_field.name] = [pk for pk in had if pk not in now]  # type: ignore[misc]
    return staged


class Batch:
    """The objects staged since the last ``flush``, and how to write them."""

    def __init__(self, *, by, lookups: Lookups):
        self.by = by
        self.lookups = lookups
        self.staged: list[Staged] = []
        self.histories: dict[int, PhaseChange] = {}  # new services' first phase change

    def add(self, staged: Staged) -> None:
        self.lookups.claim(staged.obj, staged.before)
        self.staged.append(staged)

    def flush(self, *, audited: bool) -> list[Staged]:
        """Write what is staged; with ``audited``, also its audit trail and the effects
        of saving it. Returns what was written."""
        staged, self.staged = self.staged, []
        if not staged:
            return []
        try:
            for model in _models_in_order(staged):
                self._write(model, [item for item in staged if type(item.obj) is model])
        except IntegrityError as error:
            # Only a writer racing this import gets past the checks to here.
            raise catalogue.Conflict from error
        for item in staged:
            self.lookups.written(item.obj)
        if audited:
            self._audit(staged)
            self._effects(staged)
        return staged

    def _write(self, model: type[Model], items: list[Staged]) -> None:
        new = [item.obj for item in items if item.before is None]
        audit_bulk.insert(new)
        if new and new[0].pk is None:
            raise ImproperlyConfigured(
                "Importing needs a database that returns the keys of rows inserted in bulk "
                "(PostgreSQL, or SQLite 3.35 or later)"
            )
        changed = [item for item in items if item.before is not None and item.fields]
        if changed:
            names = set().union(*(item.fields for item in changed))
            if any(f.name == "updated" for f in model._meta.concrete_fields):
                now = timezone.now()
                for item in changed:
                    item.obj.updated = now  # type: ignore[attr-defined]
                names.add("updated")
            fields = [model._meta.get_field(name).name for name in sorted(names)]
            model.objects.bulk_update([item.obj for item in changed], fields)  # type: ignore[attr-defined]
        if model is Service:
            # As ``save_form`` does: a new service's phase history starts with its phase.
            changed_by = self.by if getattr(self.by, "is_authenticated", False) else None
            changes = [
                PhaseChange(service=obj, from_phase="", to_phase=obj.phase, changed_by=changed_by)
                for obj in new
                if isinstance(obj, Service)
            ]
            audit_bulk.insert(changes)
            self.histories |= {change.service_id: change for change in changes}
        for model_field in model._meta.many_to_many:
            through: Any = model_field.remote_field.through  # type: ignore[attr-defined]
            source = model_field.m2m_field_name()  # type: ignore[attr-defined]
            target = model_field.m2m_reverse_field_name()  # type: ignore[attr-defined]
            for item in items:
                gone = item.removed.get(model_field.name)
                if gone:
                    through.objects.filter(**{source: item.obj.pk, f"{target}__in": gone}).delete()
            through.objects.bulk_create(
                [
                    through(**{f"{source}_id": item.obj.pk, f"{target}_id": member.pk})
                    for item in items
                    for member in item.added.get(model_field.name, ())
                ]
            )

    def _audit(self, staged: list[Staged]) -> None:
        if not audit_bulk.enabled():
            return
        entries = []
        models: dict = {}  # what each model's entries need, worked out once
        for item in staged:
            if item.before is None:
                entries.append(audit_bulk.created(item.obj, models))
                if isinstance(item.obj, Service) and item.obj.pk in self.histories:
                    entries.append(audit_bulk.created(self.histories[item.obj.pk], models))
            else:
                entry = audit_bulk.updated(item.before, item.obj)
                if entry is not None:
                    entries.append(entry)
            for name, pks in item.removed.items():
                related = item.obj._meta.get_field(name).related_model
                table = self.lookups.objects(related, "pk")  # type: ignore[arg-type]
                members = [table[str(pk)] for pk in pks if str(pk) in table]
                entries.append(audit_bulk.related(item.obj, name, "delete", members))
            for name, members in item.added.items():
                entries.append(audit_bulk.related(item.obj, name, "add", members))
        audit_bulk.write(entries)

    def _effects(self, staged: list[Staged]) -> None:
        if any(isinstance(item.obj, GRAPH_MODELS) for item in staged):
            GraphVersion.bump()
        for item in staged:
            if isinstance(item.obj, Service):
                on_service_saved(Service, item.obj, created=item.before is None)
        # The stored readiness of every service written, or whose parts (components,
        # their contracts, dependencies) were.
        parts = [item.obj for item in staged]
        parts += [
            member for item in staged for members in item.added.values() for member in members
        ]
        results_changed(
            getattr(part, name, None)
            for part in parts
            for name in ("service_id", "from_service_id", "to_service_id")
        )
        results_changed(part.pk for part in parts if isinstance(part, Service))


def _models_in_order(staged: list[Staged]) -> list[type[Model]]:
    return list(dict.fromkeys(type(item.obj) for item in staged))
