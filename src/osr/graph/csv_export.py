"""The whole catalogue as one spreadsheet, in the format ``csv_records`` describes.

Records come kind by kind in the order an import writes them, so the file reads
top to bottom: people, delivery groups, teams, suppliers, external systems,
services, their components, contracts and dependencies. A group's Teams webhook
address is a credential and stays out of a file anyone signed in may download.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from osr.catalogue.models import (
    Component,
    Contract,
    DeliveryGroup,
    Dependency,
    ExternalSystem,
    Person,
    Service,
    Supplier,
    Team,
)
from osr.core.spreadsheet import InertWriter

from .csv_records import COLUMNS, RECORD, component_ref, joined, person_ref

Row = dict[str, Any]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _day(value) -> str:
    return value.isoformat() if value else ""


def target_ref(dependency: Dependency) -> str:
    """What a dependency is on: a service slug, or ``external:<slug>``."""
    if dependency.to_service_id:
        return dependency.to_service.slug  # type: ignore[union-attr]
    return f"external:{dependency.to_external.slug}"  # type: ignore[union-attr]


def _people() -> Iterator[Row]:
    for p in Person.objects.order_by("name", "id"):
        yield {"name": p.name, "email": p.email, "phone": p.phone, "role_title": p.role_title}


def _groups() -> Iterator[Row]:
    groups = DeliveryGroup.objects.select_related("osr_manager", "live_services_manager")
    for g in groups.prefetch_related("members").order_by("name", "id"):
        yield {
            "slug": g.slug,
            "name": g.name,
            "description": g.description,
            "osr_manager": person_ref(g.osr_manager),
            "live_services_manager": person_ref(g.live_services_manager),
            "members": joined([person_ref(p) for p in g.members.all()]),
        }


def _teams() -> Iterator[Row]:
    teams = Team.objects.select_related("delivery_group").prefetch_related("members")
    for t in teams.order_by("name", "id"):
        yield {
            "slug": t.slug,
            "name": t.name,
            "kind": t.kind,
            "delivery_group": t.delivery_group.slug,
            "contact_email": t.contact_email,
            "members": joined([person_ref(p) for p in t.members.all()]),
        }


def _suppliers() -> Iterator[Row]:
    for s in Supplier.objects.order_by("name", "id"):
        yield {"slug": s.slug, "name": s.name}


def _externals() -> Iterator[Row]:
    for e in ExternalSystem.objects.order_by("name", "id"):
        yield {"slug": e.slug, "name": e.name, "description": e.description, "url": e.url}


def _services() -> Iterator[Row]:
    services = Service.objects.select_related(
        "delivery_group",
        "delivery_team",
        "service_owner",
        "product_manager",
        "data_owner",
    )
    for s in services.order_by("name", "id"):
        yield {
            "slug": s.slug,
            "name": s.name,
            "delivery_group": s.delivery_group.slug,
            "delivery_team": s.delivery_team.slug if s.delivery_team else "",
            "phase": s.phase,
            "phase_since": _day(s.phase_since),
            "critical": _yes(s.critical),
            "critical_reason": s.critical_reason,
            "uses_live_data": _yes(s.uses_live_data),
            "live_data_since": _day(s.live_data_since),
            "live_data_sources": s.live_data_sources,
            "support_contact_email": s.support_contact_email,
            "support_hours": s.support_hours,
            "description": s.description,
            "service_owner": person_ref(s.service_owner),
            "product_manager": person_ref(s.product_manager),
            "data_owner": person_ref(s.data_owner),
            "user_needs_summary": s.user_needs_summary,
            "technical_solution_summary": s.technical_solution_summary,
            "repository_urls": joined(s.repository_urls),
            "dashboard_urls": joined(s.dashboard_urls),
            "runbook_urls": joined(s.runbook_urls),
            "myit_record_url": s.myit_record_url,
            "contacts_confirmed_on": _day(s.contacts_confirmed_on),
        }


def _components() -> Iterator[Row]:
    components = Component.objects.select_related("service", "supplier")
    for c in components.order_by("service__name", "service_id", "name", "id"):
        yield {
            "service": c.service.slug,
            "name": c.name,
            "kind": c.kind,
            "hosting": c.hosting,
            "supplier": c.supplier.slug if c.supplier else "",
            "support_group": c.support_group,
            "runbook_url": c.runbook_url,
            "monitoring_url": c.monitoring_url,
        }


def _contracts() -> Iterator[Row]:
    contracts = Contract.objects.select_related("supplier").prefetch_related("components__service")
    for c in contracts.order_by("reference", "id"):
        covered = sorted(component_ref(component) for component in c.components.all())
        yield {
            "reference": c.reference,
            "supplier": c.supplier.slug,
            "start_date": _day(c.start_date),
            "end_date": _day(c.end_date),
            "components": joined(covered),
        }


def _dependencies() -> Iterator[Row]:
    dependencies = Dependency.objects.select_related("from_service", "to_service", "to_external")
    for d in dependencies.order_by("from_service__name", "from_service_id", "id"):
        yield {
            "service": d.from_service.slug,
            "depends_on": target_ref(d),
            "kind": d.kind,
            "carries_live_data": _yes(d.carries_live_data),
            "description": d.description,
        }


SECTIONS = {
    "person": _people,
    "delivery_group": _groups,
    "team": _teams,
    "supplier": _suppliers,
    "external_system": _externals,
    "service": _services,
    "component": _components,
    "contract": _contracts,
    "dependency": _dependencies,
}


def export_csv() -> str:
    """The whole catalogue as one CSV, a row a record, every cell safe to open."""
    out = io.StringIO()
    writer = InertWriter(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record, rows in SECTIONS.items():
        for row in rows():
            cells = row | {RECORD: record}
            writer.writerow([cells.get(column, "") for column in COLUMNS])
    return out.getvalue()
