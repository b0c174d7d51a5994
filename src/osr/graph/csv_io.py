"""The catalogue as a spreadsheet (CSV): export, and import as one transaction.

The format (``csv_records``) is one sheet, a row a record, whose ``record`` column
says what the row is. A sheet without that column is the one-row-a-service
spreadsheet OSR teams keep, and imports as before. Row numbers count the header
as row 1, as a spreadsheet shows them. A service row's ``depends_on`` lists what
the service needs, separated by semicolons: a service slug, or
``external:<slug>`` for an external system; a dependency row gives one of them
with its kind. When the file has a ``depends_on`` column, a service row's
dependencies are exactly those its ``depends_on`` and the file's dependency rows
name: the others are removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django import forms

from osr.catalogue.choices import DependencyKind, Phase
from osr.catalogue.forms import (
    ComponentForm,
    ContractForm,
    DeliveryGroupForm,
    DependencyForm,
    ExternalSystemForm,
    PersonForm,
    ServiceForm,
    SupplierForm,
    TeamForm,
)
from osr.catalogue.models import Component, Contract, Service
from osr.core.spreadsheet import restored

from .csv_export import export_csv
from .csv_records import (
    COLUMNS,
    RECORD,
    RECORDS,
    Excused,
    Missing,
    Record,
    References,
    cell_values,
    items,
)
from .importing import ImportResult, Writer, existing_dependencies, run

__all__ = ["COLUMNS", "export_csv", "import_csv"]

FORMS: dict[str, type[forms.ModelForm]] = {
    "person": PersonForm,
    "delivery_group": DeliveryGroupForm,
    "team": TeamForm,
    "supplier": SupplierForm,
    "external_system": ExternalSystemForm,
    "component": ComponentForm,
    "contract": ContractForm,
}
# The column a duplicate row is reported in.
KEY_COLUMN = {"person": "name", "component": "name", "contract": "reference"}
KEY_COLUMN |= {"dependency": "depends_on"}
Rows = list[tuple[int, dict[str, str]]]
NEW_SERVICE_DATES = ("phase_since", "contacts_confirmed_on")


def _cell(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _key(kind: str, row: dict[str, str]) -> str:
    """What matches a row to a record: its slug, reference, or the like."""
    if kind == "person":
        return _cell(row, "email").lower() or _cell(row, "name")
    if kind == "contract":
        return _cell(row, "reference")
    if kind == "component":
        return f"{_cell(row, 'service')}/{_cell(row, 'name')}"
    if kind == "dependency":
        return f"{_cell(row, 'service')} → {_cell(row, 'depends_on')}"
    return _cell(row, "slug")


def _read(text: str) -> tuple[str, list[str], Rows]:
    """The header and the non-blank rows, each cell as it was before export made it inert."""
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        header = [name.strip() for name in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = [
            (number, {k: restored(v) if isinstance(v, str) else v for k, v in row.items()})
            for number, row in enumerate(reader, start=2)
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]
    except csv.Error as error:
        return f"the file is not readable as CSV ({error})", [], []
    return "", header, rows


def import_csv(text: str, *, by, apply: bool) -> ImportResult:
    """Import a catalogue CSV as one transaction, or preview it (``apply=False``).

    Every row is checked, so one run reports every problem of the file.
    """
    unreadable, header, rows = _read(text)

    def work(writer: Writer) -> None:
        if unreadable:
            writer.problem("Row 1", unreadable)
            return
        unknown = [name for name in header if name not in COLUMNS]
        if unknown:
            writer.problem(
                "Row 1", f"unknown columns: {', '.join(unknown)} (expected {', '.join(COLUMNS)})"
            )
        if RECORD not in header and "slug" not in header:
            # Without slugs no row can be matched to a service: nothing more to check.
            writer.problem("Row 1", "the slug column is missing")
            return
        by_kind = _sorted(writer, header, rows)
        refs = References()
        duplicates = _note_keys(writer, refs, by_kind)
        saved: dict[str, Service] = {}
        for kind, kind_rows in by_kind.items():
            writer.flush()  # what the kinds before wrote, so that this one finds it
            refs.refresh()
            if kind == "service":
                for number, row in kind_rows:
                    where = f"Row {number}"
                    service = _service(writer, refs, row, where, duplicates.get(where, ()))
                    if service is not None:
                        saved[where] = service
            elif kind == "dependency":
                _dependencies(writer, refs, by_kind, saved, "depends_on" in header, duplicates)
            else:
                for number, row in kind_rows:
                    where = f"Row {number}"
                    _record(writer, refs, RECORDS[kind], row, where, duplicates.get(where, ()))

    places = ["Row 1"] + [f"Row {number}" for number, _row in rows]
    return run(work, by=by, apply=apply, places=places)


def _sorted(writer: Writer, header: list[str], rows: Rows) -> dict[str, Rows]:
    """The rows of each kind of record, kinds in the order they are written."""
    by_kind: dict[str, Rows] = {kind: [] for kind in RECORDS}
    for number, row in rows:
        where = f"Row {number}"
        if None in row:
            writer.problem(where, "has more cells than the header has columns")
            del row[None]  # type: ignore[arg-type]
        kind = _cell(row, RECORD) or "service"
        if kind not in RECORDS:
            writer.problem(
                where,
                f"‘{kind}’ is not a kind of record: choose one of {', '.join(RECORDS)}",
                field=RECORD,
            )
            continue
        record = RECORDS[kind]
        for column in header:
            stray = column in COLUMNS and column != RECORD and column not in record.columns
            if stray and _cell(row, column):
                writer.problem(where, f"a {record.label} has no {column}", field=column)
        by_kind[kind].append((number, row))
    return by_kind


def _note_keys(writer: Writer, refs: References, by_kind: dict[str, Rows]) -> dict[str, tuple]:
    """Record each row's key as in the file; report a key already on an earlier row.

    Returns the rows whose key column is excused, being reported as a duplicate.
    """
    duplicates: dict[str, tuple] = {}
    for kind, kind_rows in by_kind.items():
        first_on: dict[str, str] = {}
        for number, row in kind_rows:
            where, key = f"Row {number}", _key(kind, row)
            if not key.strip("/→ "):
                continue
            column = KEY_COLUMN.get(kind, "slug")
            if key in first_on:
                writer.problem(where, f"{key} is already on {first_on[key]}", field=column)
                duplicates[where] = (column,)
                continue
            first_on[key] = where
            refs.in_file[kind].add(key)
            if kind == "person":
                refs.in_file[kind].add(_cell(row, "name"))
    return duplicates


def _existing(refs: References, kind: str, row: dict[str, str]) -> Any:
    if kind == "person":
        return refs.existing_person(_cell(row, "email"), _cell(row, "name"))
    if kind == "contract":
        return Contract.objects.filter(reference=_cell(row, "reference")).first()
    if kind == "component":
        return Component.objects.filter(
            service__slug=_cell(row, "service"), name=_cell(row, "name")
        ).first()
    return refs.find(kind, _cell(row, "slug"))


def _record(
    writer: Writer,
    refs: References,
    record: Record,
    row: dict[str, str],
    where: str,
    excused: tuple[str, ...],
) -> None:
    """Create or update the person, group, team, supplier, external system, component or
    contract a row holds."""
    values, unreadable = cell_values(writer, refs, record, row, where)
    key = _cell(row, "name") if record.name == "person" else _key(record.name, row)
    writer.upsert(
        FORMS[record.name],
        _existing(refs, record.name, row),
        values,
        kind=record.label,
        key=key,
        where=where,
        excused=(*excused, *unreadable),
        field_of=lambda name: name,
    )


def _service(
    writer: Writer,
    refs: References,
    row: dict[str, str],
    where: str,
    excused: tuple[str, ...],
) -> Service | None:
    phase = _cell(row, "phase")
    if phase and phase not in Phase.values:
        writer.problem(
            where,
            f"‘{phase}’ is not a phase: choose one of {', '.join(Phase.values)}",
            field="phase",
        )
    values, unreadable = cell_values(writer, refs, RECORDS["service"], row, where)
    # These dates are taken for a new service only: an existing one's follow its
    # phase moves and the confirmations of its contacts.
    dates = {name: values.pop(name) for name in NEW_SERVICE_DATES if name in values}
    service = refs.find("service", _cell(row, "slug"))

    def registered_in(new: Service) -> None:
        if phase:
            new.phase = phase
        if dates.get("phase_since"):
            new.phase_since = dt.date.fromisoformat(dates["phase_since"])
        if "contacts_confirmed_on" in dates:
            confirmed = dates["contacts_confirmed_on"]
            new.contacts_confirmed_on = dt.date.fromisoformat(confirmed) if confirmed else None

    saved = writer.upsert(
        ServiceForm,
        service,
        values,
        kind="service",
        key=values.get("slug", ""),
        where=where,
        prepare=registered_in if service is None else None,
        excused=(*excused, *unreadable),
        field_of=lambda name: name,
    )
    if saved is not None and service is not None and phase:
        writer.move(saved, phase, where=where)  # type: ignore[arg-type]
    return saved  # type: ignore[return-value]


def _target(refs: References, ref: str, slug: str) -> tuple[str, Any]:
    """What a ``depends_on`` reference names: ("service" or "external", the record)."""
    kind, _, target_slug = ref.rpartition(":")
    if kind not in ("", "external", "service"):
        raise Missing
    if kind == "external":
        return "external", refs.by_slug("external_system", target_slug)
    if target_slug == slug:
        raise ValueError("a service cannot depend on itself")
    return "service", refs.by_slug("service", target_slug)


def _not_found(ref: str) -> str:
    return f"‘{ref}’ is not a service or external system in the file or the catalogue"


def _dependencies(
    writer: Writer,
    refs: References,
    by_kind: dict[str, Rows],
    saved: dict[str, Service],
    whole_lists: bool,
    duplicates: dict[str, tuple],
) -> None:
    """Write the dependency rows, then each service row's ``depends_on``.

    A reference to a row of the file that failed is not reported again here: the
    problem is reported on that row.
    """
    existing = existing_dependencies()
    wanted: dict[str, set[tuple[str, int]]] = {}
    for number, row in by_kind["dependency"]:
        where, slug, ref = f"Row {number}", _cell(row, "service"), _cell(row, "depends_on")
        values, unreadable = cell_values(writer, refs, RECORDS["dependency"], row, where)
        for column, shown in (("service", "service"), ("depends_on", "what it depends on")):
            if not _cell(row, column):
                writer.problem(where, f"Enter {shown}", field=column)
        if not ref:
            continue
        try:
            on, target = _target(refs, ref, slug)
        except Missing:
            writer.problem(where, _not_found(ref), field="depends_on")
            continue
        except ValueError as error:
            writer.problem(where, str(error), field="depends_on")
            continue
        except Excused:
            continue
        if not slug or "service" in unreadable:
            continue
        wanted.setdefault(slug, set()).add((on, target.pk))
        needing = refs.by_slug("service", slug)
        values["to_service" if on == "service" else "to_external"] = target.slug
        writer.upsert(
            DependencyForm,
            existing.get((needing.pk, on, target.pk)),
            values | {"from_service": slug},
            kind="dependency",
            key=f"{slug} → {target.slug}",
            where=where,
            excused=(*duplicates.get(where, ()), *unreadable),
            field_of=_dependency_column,
        )
    writer.flush()
    refs.refresh()
    existing = existing_dependencies()
    for number, row in by_kind["service"]:
        where, slug = f"Row {number}", _cell(row, "slug")
        source = saved.get(where)
        named = wanted.setdefault(slug, set())
        for ref in items(_cell(row, "depends_on")):
            try:
                on, target = _target(refs, ref, slug)
            except Missing:
                writer.problem(where, _not_found(ref), field="depends_on")
                continue
            except ValueError as error:
                writer.problem(where, str(error), field="depends_on")
                continue
            except Excused:
                continue  # the row it names has its problem reported
            if source is None or (on, target.pk) in named:
                continue
            named.add((on, target.pk))
            writer.depend(
                source,
                target,
                DependencyKind.RUNTIME_API,
                where=where,
                existing=existing,
                field="depends_on",
            )
        if source is None or not whole_lists:
            continue
        for (from_pk, on, target_pk), dependency in list(existing.items()):
            if from_pk == source.pk and (on, target_pk) not in named:
                writer.remove_dependency(dependency, where=where)
                del existing[(from_pk, on, target_pk)]


def _dependency_column(name: str) -> str:
    return {"from_service": "service", "to_service": "depends_on", "to_external": "depends_on"}.get(
        name, name
    )
