"""Writing an imported catalogue: every change checked by the catalogue's own forms and
operations, all in one audited transaction that is kept only if nothing failed.

The forms check against the catalogue loaded once (``preloaded``), and what they
accept is written a kind at a time in bulk (``bulk_write``), with its audit trail:
an importer calls ``Writer.flush`` once a kind is done, before a kind that refers
to it. A preview is the same run, writing the objects without their audit trail,
rolled back, so what it shows is exactly what applying would do. Every row or
document is checked, even after one has failed, so a run reports every problem of
its files at once, in file order (the first ``MAX_PROBLEMS`` of them, and how
many more there are).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
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

from .bulk_write import Batch, snapshot, stage
from .preloaded import Lookups, checked_form

CREATE, UPDATE, UNCHANGED, REMOVE = "create", "update", "unchanged", "remove"
MAX_PROBLEMS = 1000  # enough to correct a file by; the rest are counted, not listed
# Objects made between two collections of the youngest generation, while importing.
IMPORT_COLLECTION_THRESHOLD = 50_000


@dataclass(frozen=True)
class ImportProblem:
    """Why an import cannot be applied, and where in the input."""

    where: str
    message: str
    field: str = ""
    line: int = 0  # the line in the file, where the input has lines (YAML)

    @property
    def text(self) -> str:
        """The message with its line and field, for a list of problems at one place."""
        at = f"line {self.line}" if self.line else ""
        named = ", ".join(part for part in (at, self.field) if part)
        return f"{named}: {self.message}" if named else self.message

    def __str__(self) -> str:
        return (
            f"{self.where}, {self.text}"
            if self.field or self.line
            else f"{self.where}: {self.message}"
        )


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
    problems_left_off: int = 0  # problems found beyond the first MAX_PROBLEMS
    applied: bool = False
    read: dict[str, int] = field(default_factory=dict)  # entities read, by kind
    not_kept: list[str] = field(default_factory=list)  # what the input had that OSR skipped

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.problems_left_off

    def left_off_text(self) -> str:
        """What a list of the problems shown says about the ones it leaves off."""
        if not self.problems_left_off:
            return ""
        more = self.problems_left_off
        return (
            f"{more:,} more problem{'s are' if more > 1 else ' is'} not shown: "
            "correct these and import again"
        )

    def problems_by_place(self) -> dict[str, list[str]]:
        """Each place's problems, in file order, and under ``"__all__"`` how many are left off."""
        found: dict[str, list[str]] = {}
        for problem in self.problems:
            found.setdefault(problem.where, []).append(problem.text)
        if self.problems_left_off:
            found["__all__"] = [self.left_off_text()]
        return found

    def counts(self) -> dict[str, int]:
        counted = {CREATE: 0, UPDATE: 0, REMOVE: 0, UNCHANGED: 0}
        for change in self.changes:
            counted[change.action] += 1
        return counted


class _Rollback(Exception):
    pass


_REFUSED = ChangeLine(UNCHANGED, "", "")  # in place of a phase move refused at the flush


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

    def __init__(self, by, *, apply: bool = True):
        self.by = by
        self.apply = apply
        self.result = ImportResult()
        self._problems_at: Counter[str] = Counter()
        self.lookups = Lookups()
        self._blank: dict[type[forms.ModelForm], dict[str, Any]] = {}
        self._batch = Batch(by=by, lookups=self.lookups)
        self._moves: list[tuple[Service, str, str, int]] = []  # service, phase, where, note

    def flush(self, *, last: bool = False) -> None:
        """Write what has been checked so far, then the phase moves it asked for.

        The audit trail is left out of a preview, and of a run that has found a
        problem: neither is kept. Nor does a preview write the last of its
        objects, which nothing after them is checked against.
        """
        if last and not self.apply and not self._moves:
            self._batch.staged.clear()
        else:
            self._batch.flush(audited=self.apply and not self.result.problems)
        moves, self._moves = self._moves, []
        for service, phase, where, noted in moves:
            self._move(service, phase, where=where, noted=noted)

    def problem(self, where: str, message: str, *, field: str = "", line: int = 0) -> None:
        self.result.problems.append(ImportProblem(where, message, field, line))
        self._problems_at[where] += 1

    def failed(self, where: str) -> bool:
        """Whether a problem has been found at this place (so nothing there is written)."""
        return self._problems_at[where] > 0

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
        excused: Collection[str] = (),
        field_of: Callable[[str], str] | None = None,
        line: int = 0,
    ) -> Model | None:
        """Create or update one object with the given field values (others kept).

        Every field is checked and each problem reported, named by ``field_of(name)``
        (the field's label otherwise), except for ``excused`` fields, whose value is
        already reported as a problem elsewhere. Nothing is written while ``where``
        has a problem.
        """
        if instance is None:
            # What a new object's form starts from: the model's defaults, read once.
            if form_class not in self._blank:
                self._blank[form_class] = form_data_of(form_class, form_class._meta.model())
            base = dict(self._blank[form_class])
        else:
            base = form_data_of(form_class, instance)
        before = snapshot(instance)
        # A blank for a required field keeps what is there (or the default).
        values = {
            name: value
            for name, value in values.items()
            if value not in ("", None)
            or name not in form_class.base_fields
            or not form_class.base_fields[name].required
        }
        data = base | values
        form = checked_form(form_class, self.lookups, data=data, instance=instance, initial=base)
        valid = form.is_valid()
        for name, errors in form.errors.items():
            if name in excused:
                continue
            if name == "__all__":
                named = ""
            elif field_of is not None:
                named = field_of(name)
            else:
                label = form.fields[name].label if name in form.fields else None
                named = str(capfirst(label or name.replace("_", " ")))
            for error in errors:
                self.problem(where, str(error), field=named, line=line)
        if not valid or excused or self.failed(where):
            return None
        details = (
            tuple(
                f"{capfirst(form.fields[name].label or name.replace('_', ' '))}: "
                f"{_shown(base.get(name))} → {_shown(values[name])}"
                for name in form.changed_data
                if name in values
            )
            if instance is not None
            else ()
        )
        if instance is not None and not details:
            self.note(UNCHANGED, kind, key)
            return instance
        if prepare is not None:
            prepare(form.instance)
        self._batch.add(stage(form.instance, before, form.cleaned_data, base))
        self.note(CREATE if instance is None else UPDATE, kind, key, details)
        return form.instance

    def move(self, service: Service, phase: str, *, where: str) -> None:
        """Move an existing service through ``move_to``, so the phase gates apply, once
        its other changes are written (at the next ``flush``)."""
        if service.phase == phase:
            return
        before = service.get_phase_display().lower()
        self.note(
            UPDATE, "service", service.slug, (f"phase: {before} → {Phase(phase).label.lower()}",)
        )
        self._moves.append((service, phase, where, len(self.result.changes) - 1))

    def _move(self, service: Service, phase: str, *, where: str, noted: int) -> None:
        try:
            catalogue.move_service(service, phase, by=self.by, reason="Imported catalogue")
        except PhaseMoveRefused as refused:
            reasons = "; ".join(f"{b.requirement_id}: {b.reason}" for b in refused.blockers)
            self.problem(
                where, f"{service.slug} cannot move to {Phase(phase).label.lower()}: {reasons}"
            )
            self.result.changes[noted] = _REFUSED

    def depend(
        self,
        source: Service,
        target: Service | ExternalSystem,
        kind: str,
        *,
        where: str,
        existing: dict[tuple[int, str, int | None], Dependency],
        field: str = "",
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
            field_of=(lambda _name: field) if field else None,
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


@contextmanager
def _collecting_less() -> Iterator[None]:
    """Collect garbage less often while importing.

    An import makes hundreds of thousands of objects (forms, the objects they check,
    audit entries), nearly all kept until it ends, and Python's collector would
    look through all of them again and again: a sixth of a large import's time.
    The threshold is the process's, so it is put back as it was, whatever happens.
    """
    before = gc.get_threshold()
    if before[0]:  # a threshold of 0 is no automatic collection: left so
        gc.set_threshold(max(before[0], IMPORT_COLLECTION_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run(
    work: Callable[[Writer], None], *, by, apply: bool, places: Iterable[str] = ()
) -> ImportResult:
    """Run ``work`` in one transaction; keep it only when applying and nothing failed.

    ``places`` are the input's places (rows, documents) in file order: the problems
    are reported in that order, the first ``MAX_PROBLEMS`` of them.
    """
    writer = Writer(by, apply=apply)
    try:
        with _collecting_less(), transaction.atomic():
            work(writer)
            writer.flush(last=True)
            if writer.result.problems or not apply:
                raise _Rollback
    except _Rollback:
        writer.result.applied = False
    else:
        writer.result.applied = True
    result = writer.result
    result.changes = [change for change in result.changes if change is not _REFUSED]
    order = {where: number for number, where in enumerate(places)}
    result.problems.sort(key=lambda problem: (order.get(problem.where, len(order)), problem.line))
    result.problems_left_off = max(0, len(result.problems) - MAX_PROBLEMS)
    del result.problems[MAX_PROBLEMS:]
    return result
