"""Reading what the evaluation needs from the database, for one service or thousands.

Always the same fixed number of queries whatever the number of services: one
for the services, one each for their evidence, waivers and phase history, one for
their suppliers with the contracts, and what each loader registered by the checks
reads (called once, however many checks share it).
Rows are read as plain tuples: building model instances would cost more than
the evaluation itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from osr.catalogue.models import Component, PhaseChange, Service

from .checks import Load, registered_checks
from .facts import EvidenceFacts, ServiceFacts, SupplierFacts, WaiverFacts
from .models import Evidence, Waiver

# Up to this many services, the queries beside the services' own name them by id.
IDS_LISTED_UP_TO = 500

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
    # A page or a few services are named by their ids (nothing to compile twice, and
    # an index lookup); a whole portfolio by a subquery, however large.
    ids: Any = (
        [row[0] for row in rows]
        if services.query.is_sliced or len(rows) <= IDS_LISTED_UP_TO
        else services.order_by().values("id")
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
    for load_facts, names in _loaders().items():
        for service_id, facts in load_facts(ids).items():
            by_name = extra.setdefault(service_id, {})
            for name in names:
                by_name[name] = facts

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


def _loaders() -> dict[Load, list[str]]:
    """Each registered check's loader, with the names of the checks it loads for.

    Several checks may share one loader (MyIT's five read the same snapshot): it
    is called once and what it returns is given to each of them.
    """
    loaders: dict[Load, list[str]] = {}
    for name, check in registered_checks().items():
        if check.load is not None:
            loaders.setdefault(check.load, []).append(name)
    return loaders


def _suppliers(ids) -> dict[int, tuple[SupplierFacts, ...]]:
    """Each service's suppliers, with the dates of the contracts covering its components.

    One query over every component and the contracts covering it: a contract counts
    for a supplier of the service whichever of the service's components it covers.
    """
    names: dict[int, dict[int, str]] = {}
    contracts: dict[tuple[int, int], set[tuple[dt.date, dt.date]]] = {}
    for service_id, supplier_id, supplier_name, contractor_id, start, end in (
        Component.objects.filter(service_id__in=ids)
        .values_list(
            "service_id",
            "supplier_id",
            "supplier__name",
            "contracts__supplier_id",
            "contracts__start_date",
            "contracts__end_date",
        )
        .order_by()
    ):
        if supplier_id is not None:
            names.setdefault(service_id, {})[supplier_id] = supplier_name
        if contractor_id is not None:
            contracts.setdefault((service_id, contractor_id), set()).add((start, end))
    return {
        service_id: tuple(
            SupplierFacts(name, tuple(sorted(contracts.get((service_id, supplier_id), ()))))
            for supplier_id, name in sorted(by_supplier.items(), key=lambda item: item[1])
        )
        for service_id, by_supplier in names.items()
    }
