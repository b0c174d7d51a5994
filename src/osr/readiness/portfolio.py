"""The readiness portfolio: every service against every gate, with the counts OSR managers watch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup, Service

from .engine import Evaluation
from .loading import Loaded
from .services import portfolio

SHOW = {
    "": "All services",
    "ready": "Ready for their next phase",
    "blocked": "Blocked",
    "live_data": "Live-data obligations outstanding",
    "overdue": "Live-data obligations overdue",
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

    def keeps(self, evaluation: Evaluation) -> bool:
        return {
            "": True,
            "ready": evaluation.ready,
            "blocked": not evaluation.ready,
            "live_data": evaluation.live_data_flagged,
            "overdue": evaluation.live_data_overdue,
        }[self.show]


@dataclass
class Counts:
    services: int = 0
    ready: int = 0
    blocked: int = 0
    live_data: int = 0
    overdue: int = 0


def evaluated_portfolio(
    filters: PortfolioFilters, *, today: dt.date
) -> tuple[Counts, list[tuple[Loaded, Evaluation]]]:
    """The counts over the filtered services, and the rows the ``show`` filter keeps."""
    rows = portfolio(filters.services(), today=today)
    counts = Counts(services=len(rows))
    for _item, evaluation in rows:
        counts.ready += evaluation.ready
        counts.blocked += not evaluation.ready
        counts.live_data += evaluation.live_data_flagged
        counts.overdue += evaluation.live_data_overdue
    return counts, [row for row in rows if filters.keeps(row[1])]


def groups_with_gaps() -> list[DeliveryGroup]:
    """Delivery groups without an OSR manager or a live services manager."""
    return list(
        DeliveryGroup.objects.filter(
            Q(osr_manager__isnull=True) | Q(live_services_manager__isnull=True)
        ).order_by("name")
    )
