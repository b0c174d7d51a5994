"""The readiness portfolio: every service against every gate, with the counts OSR managers watch.

Read from the stored results (``results``), so that a page or an API page costs a
fixed, small number of queries however large the estate; results missing or no
longer current are evaluated and stored first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup, Service

from .engine import Evaluation
from .flags import PortfolioFlag
from .models import ReadinessResult
from .results import ensure_current, evaluation_of, flags_of

SHOW = {
    "": "All services",
    "ready": "Ready for their next phase",
    "blocked": "Blocked",
    "live_data": "Live-data obligations outstanding",
    "overdue": "Live-data obligations overdue",
}

_SHOWN = {
    "": Q(),
    "ready": Q(ready=True),
    "blocked": Q(ready=False),
    "live_data": Q(live_data_flagged=True),
    "overdue": Q(live_data_overdue=True),
}


@dataclass
class PortfolioFilters:
    """What the portfolio is narrowed to; unknown values are ignored."""

    group: str = ""
    phase: str = ""
    show: str = ""

    @classmethod
    def from_query(cls, params) -> PortfolioFilters:
        phase = params.get("phase", "")
        show = params.get("show", "")
        return cls(
            group=params.get("group", "").strip(),
            phase=phase if phase in Phase.values else "",
            show=show if show in SHOW else "",
        )

    def services(self) -> QuerySet[Service]:
        services = Service.objects.order_by("name", "id")
        if self.group:
            services = services.filter(delivery_group__slug=self.group)
        if self.phase:
            services = services.filter(phase=self.phase)
        return services

    def results(self, *, shown: bool = True) -> QuerySet[ReadinessResult]:
        """The stored results of the filtered services, in the portfolio's order."""
        results = ReadinessResult.objects.order_by("service__name", "service_id")
        if self.group:
            results = results.filter(service__delivery_group__slug=self.group)
        if self.phase:
            results = results.filter(service__phase=self.phase)
        return results.filter(_SHOWN[self.show]) if shown else results


@dataclass
class Counts:
    services: int = 0
    ready: int = 0
    blocked: int = 0
    live_data: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class PortfolioRow:
    """One service as the portfolio lists it: its names, and its stored evaluation."""

    service_id: int
    slug: str
    name: str
    group_name: str
    group_slug: str
    uses_live_data: bool
    evaluation: Evaluation
    flags: list[PortfolioFlag] = field(default_factory=list)


def stored_portfolio(
    filters: PortfolioFilters, *, today: dt.date
) -> tuple[Counts, QuerySet[ReadinessResult]]:
    """The counts over the filtered services, and the results the ``show`` filter keeps
    (not yet read), each result brought up to date first if it must be."""
    ensure_current(filters.services(), today=today)
    return counts_of(filters), listed(filters.results())


def counts_of(filters: PortfolioFilters) -> Counts:
    """The counts over the filtered services' stored results (whatever ``show`` says)."""
    figures = filters.results(shown=False).aggregate(
        services=Count("pk"),
        ready=Count("pk", filter=Q(ready=True)),
        live_data=Count("pk", filter=Q(live_data_flagged=True)),
        overdue=Count("pk", filter=Q(live_data_overdue=True)),
    )
    return Counts(blocked=figures["services"] - figures["ready"], **figures)


def listed(results: QuerySet[ReadinessResult]) -> QuerySet[ReadinessResult]:
    """Results with the service's names a row shows, read in the same query."""
    return results.select_related("service__delivery_group").only(
        *[f.name for f in ReadinessResult._meta.concrete_fields],
        "service__slug",
        "service__name",
        "service__uses_live_data",
        "service__delivery_group__name",
        "service__delivery_group__slug",
    )


def rows_of(results: Iterable[ReadinessResult]) -> list[PortfolioRow]:
    """The portfolio's rows for stored results read with ``listed``."""
    return [
        PortfolioRow(
            result.service_id,
            result.service.slug,
            result.service.name,
            result.service.delivery_group.name,
            result.service.delivery_group.slug,
            result.service.uses_live_data,
            evaluation_of(result),
            flags_of(result),
        )
        for result in results
    ]


def groups_with_gaps() -> list[DeliveryGroup]:
    """Delivery groups without an OSR manager or a live services manager."""
    return list(
        DeliveryGroup.objects.filter(
            Q(osr_manager__isnull=True) | Q(live_services_manager__isnull=True)
        ).order_by("name")
    )
