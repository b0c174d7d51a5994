"""Reading what the evaluation needs from the database, for one service or thousands.

Always the same fixed number of queries whatever the number of services: one
for the services, one each for their evidence, waivers, phase history, suppliers
and contracts, and one for each registered check that loads facts of its own.
Rows are read as plain tuples: building model instances would cost more than
the evaluation itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from osr.catalogue.models import Component, Contract, PhaseChange, Service

from .checks import registered_checks
from .facts import EvidenceFacts, ServiceFacts, SupplierFacts, WaiverFacts
from .models import Evidence, Waiver

SERVICE_COLUMNS = (
    "id",
    "slug",
    "name",
    "phase",
    "phase_since",
    "critical",
    "uses_live_data",
    "live_data_since",
    "support_contact_email",
    "support_hours",
    "data_owner__name",
    "delivery_group_id",
    "delivery_group__name",
    "delivery_group__slug",
)


@dataclass
class Loaded:
    """One service's facts, evidence and waivers, with what a list shows beside them."""

    service_id: int
    facts: ServiceFacts
    group_id: int
    group_name: str
    group_slug: str
    evidence: list[EvidenceFacts] = field(default_factory=list)
    waivers: list[WaiverFacts] = field(default_factory=list)


EVIDENCE_COLUMNS = (
    "service_id",
    "id",
    "requirement_id",
    "status",
    "submitted_at",
    "reviewed_at",
    "evidence_date",
    "pack_version",
    "pack_date",
    "review_note",
)


def load(services: QuerySet[Service]) -> list[Loaded]:
    """The inputs of the evaluation for every service of a queryset, in its order."""
    rows = list(services.values_list(*SERVICE_COLUMNS))
    if not rows:
        return []
    # A page is named by its ids; a whole portfolio by a subquery, however large.
    ids: Any = (
        [row[0] for row in rows] if services.query.is_sliced else services.order_by().values("id")
    )
    tz = timezone.get_current_timezone()

    def local_day(moment: dt.datetime) -> dt.date:
        return moment.astimezone(tz).date()

    evidence: dict[int, list[EvidenceFacts]] = {}
    for service_id, pk, requirement_id, status, submitted, reviewed, *rest in (
        Evidence.objects.filter(service_id__in=ids).values_list(*EVIDENCE_COLUMNS).order_by()
    ):
        evidence.setdefault(service_id, []).append(
            EvidenceFacts(
                pk,
                requirement_id,
                status,
                local_day(submitted),
                local_day(reviewed) if reviewed else None,
                *rest,
            )
        )

    waivers: dict[int, list[WaiverFacts]] = {}
    for service_id, requirement_id, reason, granted_at, expires_on in (
        Waiver.objects.filter(service_id__in=ids)
        .values_list("service_id", "requirement_id", "reason", "granted_at", "expires_on")
        .order_by("granted_at", "id")
    ):
        waivers.setdefault(service_id, []).append(
            WaiverFacts(requirement_id, reason, local_day(granted_at), expires_on)
        )

    entered: dict[int, dict[str, dt.date]] = {}
    for service_id, to_phase, changed_at in (
        PhaseChange.objects.filter(service_id__in=ids)
        .values_list("service_id", "to_phase", "changed_at")
        .order_by("changed_at", "id")
    ):
        entered.setdefault(service_id, {})[to_phase] = local_day(changed_at)

    suppliers = _suppliers(ids)
    extra: dict[int, dict[str, object]] = {}
    for name, check in registered_checks().items():
        if check.load is not None:
            for service_id, facts in check.load(ids).items():
                extra.setdefault(service_id, {})[name] = facts

    loaded = []
    for row in rows:
        pk, slug, name, phase, phase_since, critical, uses_live_data, since, email, hours = row[:10]
        facts = ServiceFacts(
            slug=slug,
            name=name,
            phase=phase,
            phase_since=phase_since,
            critical=critical,
            uses_live_data=uses_live_data,
            live_data_since=since,
            support_contact_email=email,
            support_hours=hours,
            data_owner=row[10] or "",
            entered=entered.get(pk, {}),
            suppliers=suppliers.get(pk, ()),
            extra=extra.get(pk, {}),
        )
        group_id, group_name, group_slug = row[11:14]
        loaded.append(
            Loaded(
                pk,
                facts,
                group_id,
                group_name,
                group_slug,
                evidence.get(pk, []),
                waivers.get(pk, []),
            )
        )
    return loaded


def load_one(service: Service) -> Loaded:
    """The inputs of the evaluation for one service, as stored now."""
    (loaded,) = load(Service.objects.filter(pk=service.pk))
    # The caller's instance may hold a change not yet saved (a phase being moved).
    loaded.facts = replace(loaded.facts, phase=service.phase, phase_since=service.phase_since)
    return loaded


def _suppliers(ids) -> dict[int, tuple[SupplierFacts, ...]]:
    """Each service's suppliers, with the dates of the contracts covering its components."""
    names: dict[int, dict[int, str]] = {}
    for service_id, supplier_id, supplier_name in (
        Component.objects.filter(service_id__in=ids, supplier__isnull=False)
        .values_list("service_id", "supplier_id", "supplier__name")
        .order_by()
    ):
        names.setdefault(service_id, {})[supplier_id] = supplier_name
    contracts: dict[tuple[int, int], set[tuple[dt.date, dt.date]]] = {}
    for service_id, supplier_id, start, end in (
        Contract.components.through.objects.filter(component__service_id__in=ids)
        .values_list(
            "component__service_id",
            "contract__supplier_id",
            "contract__start_date",
            "contract__end_date",
        )
        .order_by()
    ):
        contracts.setdefault((service_id, supplier_id), set()).add((start, end))
    return {
        service_id: tuple(
            SupplierFacts(name, tuple(sorted(contracts.get((service_id, supplier_id), ()))))
            for supplier_id, name in sorted(by_supplier.items(), key=lambda item: item[1])
        )
        for service_id, by_supplier in names.items()
    }
