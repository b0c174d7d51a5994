"""The catalogue spreadsheet's format: its kinds of record, their columns, and how a
cell is read back into what the catalogue's forms take.

One sheet holds the whole catalogue, a row a record. The ``record`` column says
what a row is; each kind uses the columns named after the fields of its form, and
leaves the others blank. References name what they refer to the way a person
would type it: a slug, a person's email (or name, for someone without one), a
component as ``<service slug>/<component name>``. A list holds its items
separated by semicolons or, where an item has a semicolon of its own, one a line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from osr.catalogue.models import (
    Component,
    DeliveryGroup,
    ExternalSystem,
    Person,
    Service,
    Supplier,
    Team,
)

from .importing import Writer

RECORD = "record"
SERVICE_COLUMNS = (
    # The columns of the one-sheet service spreadsheet OSR teams keep, first.
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
    "phase_since",
    "live_data_sources",
    "service_owner",
    "product_manager",
    "data_owner",
    "user_needs_summary",
    "technical_solution_summary",
    "repository_urls",
    "dashboard_urls",
    "runbook_urls",
    "myit_record_url",
    "contacts_confirmed_on",
)


@dataclass(frozen=True)
class Record:
    """One kind of row: its ``record`` cell, its name in messages, and its columns."""

    name: str
    label: str
    columns: tuple[str, ...]


# In the order they are imported (and exported): each refers only to those above it,
# except a service's dependencies, which are written once every service is.
RECORDS = {
    record.name: record
    for record in (
        Record("person", "person", ("name", "email", "phone", "role_title")),
        Record(
            "delivery_group",
            "delivery group",
            ("slug", "name", "description", "osr_manager", "live_services_manager", "members"),
        ),
        Record(
            "team", "team", ("slug", "name", "kind", "delivery_group", "contact_email", "members")
        ),
        Record("supplier", "supplier", ("slug", "name")),
        Record("external_system", "external system", ("slug", "name", "description", "url")),
        Record("service", "service", SERVICE_COLUMNS),
        Record(
            "component",
            "component",
            (
                "service",
                "name",
                "kind",
                "hosting",
                "supplier",
                "support_group",
                "runbook_url",
                "monitoring_url",
            ),
        ),
        Record(
            "contract",
            "contract",
            ("reference", "supplier", "start_date", "end_date", "components"),
        ),
        Record(
            "dependency",
            "dependency",
            ("service", "depends_on", "kind", "carries_live_data", "description"),
        ),
    )
}
# The service columns first, as the one-sheet service spreadsheet has them.
COLUMNS = [
    RECORD,
    *dict.fromkeys([*SERVICE_COLUMNS, *(c for r in RECORDS.values() for c in r.columns)]),
]

BOOLEANS = {"critical", "uses_live_data", "carries_live_data"}
DATES = {"live_data_since", "phase_since", "contacts_confirmed_on", "start_date", "end_date"}
LISTS = {"repository_urls", "dashboard_urls", "runbook_urls", "members", "components"}
PEOPLE = {"service_owner", "product_manager", "data_owner", "osr_manager", "live_services_manager"}
# Columns naming another record by its slug: the record kind named.
BY_SLUG = {"delivery_group": "delivery_group", "delivery_team": "team", "supplier": "supplier"}
TRUE, FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
MODELS: dict[str, type[Model]] = {
    "delivery_group": DeliveryGroup,
    "team": Team,
    "supplier": Supplier,
    "external_system": ExternalSystem,
    "service": Service,
}


def boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(f"‘{value}’ is not yes or no")


def date(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"‘{value}’ is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def items(value: str) -> list[str]:
    """A list cell's items: one a line if it has several lines, else split at semicolons."""
    parts = value.splitlines() if "\n" in value.strip() else value.split(";")
    return [part.strip() for part in parts if part.strip()]


def joined(values: list[str]) -> str:
    """A list as a cell that ``items`` reads back item for item."""
    return "\n".join(values) if any(";" in v for v in values) else "; ".join(values)


def person_ref(person: Person | None) -> str:
    if person is None:
        return ""
    return person.email or person.name


def component_ref(component: Component) -> str:
    return f"{component.service.slug}/{component.name}"


class Missing(Exception):
    """A reference to nothing: the message names the record and the value."""


class Excused(Exception):
    """A reference to a row of the file that has a problem of its own, reported there."""


class References:
    """What a cell names, in the catalogue as written so far, or among the file's rows.

    ``in_file`` holds every key each kind of record has in the file, so that a
    reference to a row whose own problem stops it being written is not reported a
    second time as a reference to nothing.
    """

    def __init__(self) -> None:
        self.in_file: dict[str, set[str]] = {name: set() for name in RECORDS}
        self._cache: dict[str, Any] = {}

    def refresh(self) -> None:
        """Forget what was read: records written since are found from now on."""
        self._cache.clear()

    def _slugs(self, kind: str) -> dict[str, Model]:
        if kind not in self._cache:
            self._cache[kind] = {o.slug: o for o in MODELS[kind].objects.all()}  # type: ignore[attr-defined]
        return self._cache[kind]

    def _people(self) -> tuple[dict[str, list[Person]], dict[str, list[Person]]]:
        if "person" not in self._cache:
            by_email: dict[str, list[Person]] = {}
            by_name: dict[str, list[Person]] = {}
            for person in Person.objects.all():
                if person.email:
                    by_email.setdefault(person.email.lower(), []).append(person)
                by_name.setdefault(person.name, []).append(person)
            self._cache["person"] = (by_email, by_name)
        return self._cache["person"]

    def _components(self) -> dict[str, Component]:
        if "component" not in self._cache:
            self._cache["component"] = {
                component_ref(c): c for c in Component.objects.select_related("service")
            }
        return self._cache["component"]

    def by_slug(self, kind: str, slug: str) -> Model:
        found = self._slugs(kind).get(slug)
        if found is None:
            self._missing(kind, slug)
        return found  # type: ignore[return-value]

    def find(self, kind: str, slug: str) -> Model | None:
        """The record of this kind and slug, if the catalogue has it."""
        return self._slugs(kind).get(slug)

    def person(self, ref: str) -> Person:
        by_email, by_name = self._people()
        found = by_email.get(ref.lower(), []) if "@" in ref else by_name.get(ref, [])
        if len(found) > 1:
            raise Missing(f"‘{ref}’ names more than one person: give their email")
        if not found:
            self._missing("person", ref.lower() if "@" in ref else ref, shown=ref)
        return found[0]

    def existing_person(self, email: str, name: str) -> Person | None:
        """The person a person row is about: the one with its email, else its name."""
        by_email, by_name = self._people()
        found = by_email.get(email.lower(), []) if email else by_name.get(name, [])
        return found[0] if len(found) == 1 else None

    def component(self, ref: str) -> Component:
        found = self._components().get(ref)
        if found is None:
            self._missing("component", ref)
        return found  # type: ignore[return-value]

    def _missing(self, kind: str, key: str, *, shown: str = "") -> None:
        if key in self.in_file[kind]:
            raise Excused
        raise Missing(f"{RECORDS[kind].label} ‘{shown or key}’ does not exist")


def cell_values(
    writer: Writer, refs: References, record: Record, row: dict[str, str], where: str
) -> tuple[dict[str, Any], list[str]]:
    """The row's cells of this kind of record as form values, and the columns excused.

    Each cell that cannot be read, or names nothing, is reported (and excused, so
    the form does not report it again); one naming a row with a problem of its own
    is excused without a word.
    """
    values: dict[str, Any] = {}
    excused: list[str] = []
    for column in record.columns:
        if column not in row or column in ("phase", "depends_on"):
            continue
        raw = (row[column] or "").strip()
        try:
            values[column] = _value(refs, record, column, raw)
        except (ValueError, Missing) as error:
            writer.problem(where, str(error), field=column)
            excused.append(column)
        except Excused:
            excused.append(column)
    return values, excused


def _value(refs: References, record: Record, column: str, raw: str) -> Any:
    if column in BOOLEANS:
        return boolean(raw)
    if column in DATES:
        return date(raw)
    if not raw:
        return [] if column in LISTS else raw
    if column in PEOPLE:
        return refs.person(raw).pk
    if column == "members":
        return [refs.person(ref).pk for ref in items(raw)]
    if column == "components":
        return [refs.component(ref).pk for ref in items(raw)]
    if column in LISTS:
        return items(raw)
    if column in BY_SLUG:
        refs.by_slug(BY_SLUG[column], raw)
    elif column == "service" and record.name != "service":
        refs.by_slug("service", raw)
    return raw
