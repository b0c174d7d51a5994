"""The catalogue's own sections of the service page: overview, dependencies, history."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone

from . import contacts, summaries
from .models import Component, Contract, Service
from .panels import OVERVIEW, ServicePanel, ServiceSection, register_service_panel
from .panels import register_service_section as section


def about(request, service: Service) -> dict:
    components = list(
        Component.objects.filter(service=service)
        .select_related("supplier")
        .prefetch_related(Prefetch("contracts", queryset=Contract.objects.all()))
    )
    contracts = sorted(
        {c for comp in components for c in comp.contracts.all()}, key=lambda c: c.reference
    )
    suppliers = sorted(
        {comp.supplier for comp in components if comp.supplier}, key=lambda s: s.name
    )
    covered = {c.supplier_id for c in contracts}
    return {
        "rows": summaries.service(service),
        "components": components,
        "contracts": contracts,
        "uncovered": [s.name for s in suppliers if s.pk not in covered],
        "all_in_house": not suppliers,
        "today": timezone.localdate(),
        "may_change": request.user.has_perm("catalogue.change_service", service),
    }


def dependencies(request, service: Service) -> dict:
    return {
        "dependencies": list(service.dependencies.select_related("to_service", "to_external")),
        "dependents": list(
            service.dependents.select_related("from_service", "from_service__delivery_group")
        ),
        "may_change": request.user.has_perm("catalogue.change_service", service),
    }


def history(request, service: Service) -> dict:
    recent = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Service), object_pk=str(service.pk)
        )
        .select_related("actor")
        .order_by("-timestamp")[:10]
    )
    return {
        "phase_history": list(service.phase_changes.select_related("changed_by__person")),
        "recent": recent,
    }


def register() -> None:
    section(ServiceSection(0, OVERVIEW, "Overview"))
    section(ServiceSection(30, "dependencies", "Dependencies"))
    section(ServiceSection(90, "history", "History"))
    register_service_panel(
        "contacts", ServicePanel(15, "catalogue/sections/contacts.html", contacts_state)
    )
    register_service_panel("about", ServicePanel(20, "catalogue/sections/about.html", about))
    register_service_panel(
        "dependencies",
        ServicePanel(10, "catalogue/sections/dependencies.html", dependencies, "dependencies"),
    )
    register_service_panel(
        "history", ServicePanel(10, "catalogue/sections/history.html", history, "history")
    )


def contacts_state(request, service: Service) -> dict:
    today = timezone.localdate()
    return {
        "confirmed_on": service.contacts_confirmed_on,
        "due_on": contacts.due_on(service),
        "due": contacts.is_due(service, today),
        "months": settings.OSR_CONFIRM_MONTHS,
        "may_confirm": request.user.has_perm("catalogue.change_service", service),
    }
