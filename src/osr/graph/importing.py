"""Writing an imported catalogue: every change through the catalogue's own forms and
operations, all in one audited transaction that is kept only if nothing failed.

A preview is the same run rolled back, so what it shows is exactly what applying
would do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Model
from django.utils.text import capfirst

from osr.catalogue import services as catalogue
from osr.catalogue.choices import Phase
from osr.catalogue.models import Dependency, ExternalSystem, Service
from osr.catalogue.phase_hooks import PhaseMoveRefused
from osr.core.resources import form_data_of

CREATE, UPDATE, UNCHANGED, REMOVE = "create", "update", "unchanged", "remove"


@dataclass(frozen=True)
class ImportProblem:
    """Why an import cannot be applied, and where in the input."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ChangeLine:
    """One change an import makes (or would make) to the catalogue."""

    action: str
    kind: str
    key: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.action} {self.kind} {self.key}"
        return text + (": " + "; ".join(self.details) if self.details else "")


@dataclass
class ImportResult:
    """What an import changed or would change, what stopped it, and whether it was kept."""

    changes: list[ChangeLine] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        counted = {CREATE: 0, UPDATE: 0, REMOVE: 0, UNCHANGED: 0}
        for change in self.changes:
            counted[change.action] += 1
        return counted


class _Rollback(Exception):
    pass


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


class Writer:
    """Records each change and each problem while writing through the catalogue's forms."""

    def __init__(self, by):
        self.by = by
        self.result = ImportResult()

    def problem(self, where: str, message: str) -> None:
        self.result.problems.append(ImportProblem(where, message))

    def note(self, action: str, kind: str, key: str, details: tuple[str, ...] = ()) -> None:
        self.result.changes.append(ChangeLine(action, kind, key, details))

    def upsert(
        self,
        form_class: type[forms.ModelForm],
        instance: Model | None,
        values: dict[str, Any],
        *,
        kind: str,
        key: str,
        where: str,
        prepare: Callable[[Any], None] | None = None,
    ) -> Model | None:
        """Create or update one object with the given field values (others kept)."""
        if instance is None:
            base = form_data_of(form_class, form_class._meta.model())
        else:
            base = form_data_of(form_class, instance)
        # A blank for a required field keeps what is there (or the default).
        values = {
            name: value
            for name, value in values.items()
            if value not in ("", None)
            or name not in form_class.base_fields
            or not form_class.base_fields[name].required
        }
        data = base | values
        form = form_class(data=data, instance=instance, initial=base)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else None
                label = capfirst(label or name.replace("_", " "))
                for error in errors:
                    self.problem(where, str(error) if name == "__all__" else f"{label}: {error}")
            return None
        details = tuple(
            f"{capfirst(form.fields[name].label or name.replace('_', ' '))}: "
            f"{_shown(base.get(name))} → {_shown(values[name])}"
            for name in form.changed_data
            if instance is not None and name in values
        )
        if instance is not None and not details:
            self.note(UNCHANGED, kind, key)
            return instance
        if prepare is not None:
            prepare(form.instance)
        try:
            saved = catalogue.save_form(form, by=self.by)
        except catalogue.Conflict as error:
            self.problem(where, f"conflicts with another record ({error})")
            return None
        self.note(CREATE if instance is None else UPDATE, kind, key, details)
        return saved

    def move(self, service: Service, phase: str, *, where: str) -> None:
        """Move an existing service through ``move_to``, so the phase gates apply."""
        if service.phase == phase:
            return
        before = service.get_phase_display().lower()
        try:
            catalogue.move_service(service, phase, by=self.by, reason="Imported catalogue")
        except PhaseMoveRefused as refused:
            reasons = "; ".join(f"{b.requirement_id}: {b.reason}" for b in refused.blockers)
            self.problem(
                where, f"{service.slug} cannot move to {Phase(phase).label.lower()}: {reasons}"
            )
            return
        self.note(
            UPDATE, "service", service.slug, (f"phase: {before} → {Phase(phase).label.lower()}",)
        )

    def depend(
        self,
        source: Service,
        target: Service | ExternalSystem,
        kind: str,
        *,
        where: str,
        existing: dict[tuple[int, str, int | None], Dependency],
    ) -> None:
        """Record that ``source`` needs ``target``, unless it already does."""
        on = "service" if isinstance(target, Service) else "external"
        if (source.pk, on, target.pk) in existing:
            self.note(UNCHANGED, "dependency", f"{source.slug} → {target.slug}")
            return
        from osr.catalogue.forms import DependencyForm

        values = {"from_service": source.slug, "kind": kind, "carries_live_data": False}
        values["to_service" if on == "service" else "to_external"] = target.slug
        saved = self.upsert(
            DependencyForm,
            None,
            values,
            kind="dependency",
            key=f"{source.slug} → {target.slug}",
            where=where,
        )
        if saved is not None:
            existing[(source.pk, on, target.pk)] = saved  # type: ignore[assignment]

    def remove_dependency(self, dependency: Dependency, *, where: str) -> None:
        catalogue.delete_object(dependency, by=self.by)
        target = dependency.target
        name = target.slug if target is not None else "?"
        self.note(REMOVE, "dependency", f"{dependency.from_service.slug} → {name}")


def existing_dependencies() -> dict[tuple[int, str, int | None], Dependency]:
    """Every recorded dependency by (service, "service" or "external", target), one query."""
    found: dict[tuple[int, str, int | None], Dependency] = {}
    for dependency in Dependency.objects.select_related(
        "from_service", "to_service", "to_external"
    ):
        if dependency.to_service_id:
            found[(dependency.from_service_id, "service", dependency.to_service_id)] = dependency
        else:
            found[(dependency.from_service_id, "external", dependency.to_external_id)] = dependency
    return found


def run(work: Callable[[Writer], None], *, by, apply: bool) -> ImportResult:
    """Run ``work`` in one transaction; keep it only when applying and nothing failed."""
    writer = Writer(by)
    try:
        with transaction.atomic():
            work(writer)
            if writer.result.problems or not apply:
                raise _Rollback
    except _Rollback:
        writer.result.applied = False
    else:
        writer.result.applied = True
    return writer.result
