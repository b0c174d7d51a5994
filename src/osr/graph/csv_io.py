"""The catalogue as a spreadsheet (CSV): one row a service, the way OSR teams keep it.

Export and import use the same columns, so an exported file can be edited and
imported again. Row numbers count the header as row 1, as a spreadsheet shows them.
``depends_on`` lists what the service needs, separated by semicolons: a service
slug, or ``external:<slug>`` for an external system. When the column is present
it is the whole list: dependencies missing from it are removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db.models import Prefetch

from osr.catalogue.choices import DependencyKind, Phase
from osr.catalogue.forms import ServiceForm
from osr.catalogue.models import Dependency, ExternalSystem, Service

from .importing import ImportResult, Writer, existing_dependencies, run

COLUMNS = [
    "slug",
    "name",
    "delivery_group",
    "delivery_team",
    "phase",
    "critical",
    "critical_reason",
    "uses_live_data",
    "live_data_since",
    "support_contact_email",
    "support_hours",
    "description",
    "depends_on",
]
BOOLEAN_COLUMNS = {"critical", "uses_live_data"}
TRUE, FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


def _target_ref(dependency: Dependency) -> str:
    if dependency.to_service_id:
        return dependency.to_service.slug  # type: ignore[union-attr]
    return f"external:{dependency.to_external.slug}"  # type: ignore[union-attr]


def export_csv() -> str:
    """Every service as a CSV row (three queries, whatever the number of services)."""
    services = Service.objects.select_related("delivery_group", "delivery_team").prefetch_related(
        Prefetch(
            "dependencies",
            queryset=Dependency.objects.select_related("to_service", "to_external").order_by("id"),
        )
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in services.order_by("name", "id"):
        writer.writerow(
            [
                s.slug,
                s.name,
                s.delivery_group.slug,
                s.delivery_team.slug if s.delivery_team else "",
                s.phase,
                "yes" if s.critical else "no",
                s.critical_reason,
                "yes" if s.uses_live_data else "no",
                s.live_data_since.isoformat() if s.live_data_since else "",
                s.support_contact_email,
                s.support_hours,
                s.description,
                "; ".join(_target_ref(d) for d in s.dependencies.all()),
            ]
        )
    return out.getvalue()


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(f"‘{value}’ is not yes or no")


def _date(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"‘{value}’ is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _values(row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, raw in row.items():
        if column in ("phase", "depends_on"):
            continue
        raw = (raw or "").strip()
        if column in BOOLEAN_COLUMNS:
            values[column] = _boolean(raw)
        elif column == "live_data_since":
            values[column] = _date(raw)
        else:
            values[column] = raw
    return values


def import_csv(text: str, *, by, apply: bool) -> ImportResult:
    """Import a catalogue CSV as one transaction, or preview it (``apply=False``)."""
    unreadable = ""
    header: list[str] = []
    rows: list[tuple[int, dict]] = []
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        header = [name.strip() for name in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = [
            (number, row)
            for number, row in enumerate(reader, start=2)
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]
    except csv.Error as error:
        unreadable = f"the file is not readable as CSV ({error})"

    def work(writer: Writer) -> None:
        if unreadable:
            writer.problem("Row 1", unreadable)
            return
        unknown = [name for name in header if name not in COLUMNS]
        if "slug" not in header:
            writer.problem("Row 1", "the slug column is missing")
        if unknown:
            writer.problem(
                "Row 1", f"unknown columns: {', '.join(unknown)} (expected {', '.join(COLUMNS)})"
            )
        if writer.result.problems:
            return
        existing = {s.slug: s for s in Service.objects.all()}
        saved: dict[str, tuple[str, Service]] = {}
        for number, row in rows:
            where = f"Row {number}"
            if None in row:
                writer.problem(where, "has more cells than the header has columns")
                continue
            slug = (row.get("slug") or "").strip()
            if slug in saved:
                writer.problem(where, f"{slug} is already on {saved[slug][0]}")
                continue
            service = _row(writer, row, where, existing.get(slug))
            if service is not None:
                saved[slug] = (where, service)
        if "depends_on" in header:
            _dependencies(writer, rows, saved)

    return run(work, by=by, apply=apply)


def _row(
    writer: Writer, row: dict[str, str], where: str, service: Service | None
) -> Service | None:
    try:
        values = _values(row)
    except ValueError as error:
        writer.problem(where, str(error))
        return None
    phase = (row.get("phase") or "").strip()
    if phase and phase not in Phase.values:
        writer.problem(where, f"phase: ‘{phase}’ is not one of {', '.join(Phase.values)}")
        return None

    def registered_in(new: Service) -> None:
        if phase:
            new.phase = phase

    saved = writer.upsert(
        ServiceForm,
        service,
        values,
        kind="service",
        key=values.get("slug", ""),
        where=where,
        prepare=registered_in if service is None else None,
    )
    if saved is not None and service is not None and phase:
        writer.move(saved, phase, where=where)  # type: ignore[arg-type]
    return saved  # type: ignore[return-value]


def _dependencies(writer: Writer, rows, saved: dict[str, tuple[str, Service]]) -> None:
    services = {s.slug: s for s in Service.objects.all()}
    externals = {e.slug: e for e in ExternalSystem.objects.all()}
    existing = existing_dependencies()
    for _number, row in rows:
        slug = (row.get("slug") or "").strip()
        if slug not in saved:
            continue
        where, source = saved[slug]
        wanted: set[tuple[str, int]] = set()
        for ref in [
            part.strip() for part in (row.get("depends_on") or "").split(";") if part.strip()
        ]:
            kind, _, target_slug = ref.rpartition(":")
            target = externals.get(target_slug) if kind == "external" else services.get(target_slug)
            if kind not in ("", "external", "service") or target is None:
                writer.problem(where, f"depends on ‘{ref}’: no such service or external system")
                continue
            if target == source:
                writer.problem(where, "a service cannot depend on itself")
                continue
            on = "external" if kind == "external" else "service"
            wanted.add((on, target.pk))
            writer.depend(
                source, target, DependencyKind.RUNTIME_API, where=where, existing=existing
            )
        for (from_pk, on, target_pk), dependency in list(existing.items()):
            if from_pk == source.pk and (on, target_pk) not in wanted:
                writer.remove_dependency(dependency, where=where)
                del existing[(from_pk, on, target_pk)]
