"""Readiness on the home page: what a team must do next, and what an OSR manager must check.

Every section evaluates its services through the portfolio's bulk path
(``services.portfolio``), so it costs the same few queries for one service or
a thousand; the OSR manager's sections share one evaluation of their groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from osr.catalogue.choices import Phase
from osr.catalogue.home import SHOWN, list_address, person_of, services_of
from osr.catalogue.models import Service
from osr.catalogue.rules import managed_group_ids
from osr.core.home import HomeSection, once_per_request, register_home_section
from osr.core.notifications.choices import Kind
from osr.core.roles import ADMIN, DELIVERY, OSR_MANAGER

from .choices import EvidenceStatus, Status
from .engine import Evaluation, RequirementResult
from .expiry import expiry_notices
from .loading import Loaded
from .models import Evidence
from .policy import active_policy
from .portfolio import PortfolioFilters, stored_portfolio
from .services import awaiting_verification, portfolio

DUE_SHOWN = 3  # requirements named under each service; the rest are counted
# The estate's figures cost a whole evaluation, so an administrator's page keeps them a minute.
FIGURES_SECONDS = 60


@dataclass(frozen=True)
class ServiceDue:
    """One of a person's services and what stops it entering its next phase."""

    loaded: Loaded
    evaluation: Evaluation
    due: list[RequirementResult]

    @property
    def more(self) -> int:
        return len(self.evaluation.blockers) - len(self.due)


def your_services(request) -> dict:
    """The person's first few services, each with what is due before its next phase."""
    services = services_of(person_of(request.user))
    today = timezone.localdate()
    rows = []
    for loaded, evaluation in portfolio(services[:SHOWN], today=today):
        blocking = [evaluation.requirement(b.requirement_id) for b in evaluation.blockers]
        due = [result for result in blocking[:DUE_SHOWN] if result is not None]
        rows.append(ServiceDue(loaded, evaluation, due))
    return {
        "rows": rows,
        "total": services.count(),
        "phase_labels": dict(Phase.choices),
        "status_labels": dict(Status.choices),
    }


def evidence_to_redo(request) -> dict:
    """Rejected evidence of the person's services not yet followed by a new submission."""
    later = Exists(
        Evidence.objects.filter(
            service_id=OuterRef("service_id"),
            requirement_id=OuterRef("requirement_id"),
            submitted_at__gt=OuterRef("submitted_at"),
        )
    )
    rejected = (
        Evidence.objects.filter(
            service__in=services_of(person_of(request.user)), status=EvidenceStatus.REJECTED
        )
        .filter(~later)
        .order_by("-reviewed_at", "-id")
    )
    rows = list(rejected.select_related("service", "reviewed_by__person")[:SHOWN])
    return {"rows": rows, "total": rejected.count(), "titles": _titles()}


def awaiting_your_verification(request) -> dict:
    """Evidence submitted in the OSR manager's groups, oldest first."""
    groups = managed_group_ids(request.user, OSR_MANAGER)
    total, rows = awaiting_verification(request.user, limit=SHOWN) if groups else (0, [])
    return {
        "groups": len(groups),
        "rows": rows,
        "total": total,
        "titles": _titles(),
        "all_url": reverse("readiness:portfolio") + "#awaiting-verification",
    }


def _managed_portfolio(request) -> list[tuple[Loaded, Evaluation]]:
    """Every service of the OSR manager's groups, evaluated once for the page."""

    def evaluate():
        groups = managed_group_ids(request.user, OSR_MANAGER)
        services = Service.objects.filter(delivery_group_id__in=groups).order_by("name", "id")
        return portfolio(services, today=timezone.localdate())

    return once_per_request(request, "readiness:managed-portfolio", evaluate)


def newly_using_live_data(request) -> dict:
    """Services of the manager's groups with live-data obligations outstanding, soonest first."""
    flagged = [
        (loaded, evaluation)
        for loaded, evaluation in _managed_portfolio(request)
        if evaluation.live_data_flagged
    ]
    flagged.sort(key=lambda row: (row[1].live_data_due or dt.date.max, row[0].facts.name))
    groups = managed_group_ids(request.user, OSR_MANAGER)
    return {
        "groups": len(groups),
        "rows": flagged[:SHOWN],
        "total": len(flagged),
        "all_url": list_address("readiness:portfolio", groups, show="live_data"),
    }


@dataclass(frozen=True)
class Expiring:
    """A waiver or verified evidence that stops counting on ``on``."""

    loaded: Loaded
    requirement_id: str
    title: str
    waiver: bool
    on: dt.date

    @property
    def last_day(self) -> dt.date:
        return self.on - dt.timedelta(days=1)


def expiring_soon(request) -> dict:
    """Waivers and verified evidence in the OSR manager's groups that end within 30 days."""
    today = timezone.localdate()
    policy = active_policy()
    found: list[Expiring] = []
    for loaded, evaluation in _managed_portfolio(request):
        notices = expiry_notices(policy, evaluation, loaded.evidence, loaded.waivers, today=today)
        # The notices also tell of what lapsed this last week; the home page looks ahead.
        found.extend(
            Expiring(loaded, n.requirement_id, n.title, n.kind == Kind.WAIVER_EXPIRING, n.on)
            for n in notices
            if n.on > today
        )
    found.sort(key=lambda e: (e.on, e.loaded.facts.name, e.requirement_id))
    return {
        "groups": len(managed_group_ids(request.user, OSR_MANAGER)),
        "rows": found[:SHOWN],
        "total": len(found),
    }


def estate_readiness(request) -> dict:
    """How many services may enter their next phase, and what awaits verification, estate-wide."""

    def count() -> dict:
        counts, _results = stored_portfolio(PortfolioFilters(), today=timezone.localdate())
        return vars(counts)

    figures = cache.get_or_set("osr:home:estate-readiness", count, FIGURES_SECONDS)
    awaiting = Evidence.objects.filter(status=EvidenceStatus.SUBMITTED).count()
    return {"counts": figures, "awaiting": awaiting, "all_url": reverse("readiness:portfolio")}


def _titles() -> dict[str, str]:
    return {requirement.id: requirement.title for requirement in active_policy().requirements}


def register() -> None:
    for name, section in {
        "readiness-your-services": HomeSection(
            10, DELIVERY, "readiness/home/your_services.html", your_services
        ),
        "readiness-evidence-to-redo": HomeSection(
            20, DELIVERY, "readiness/home/evidence_to_redo.html", evidence_to_redo
        ),
        "readiness-awaiting-verification": HomeSection(
            10, OSR_MANAGER, "readiness/home/awaiting_verification.html", awaiting_your_verification
        ),
        "readiness-live-data": HomeSection(
            40, OSR_MANAGER, "readiness/home/live_data.html", newly_using_live_data
        ),
        "readiness-expiring": HomeSection(
            50, OSR_MANAGER, "readiness/home/expiring.html", expiring_soon
        ),
        "readiness-estate": HomeSection(20, ADMIN, "readiness/home/estate.html", estate_readiness),
    }.items():
        register_home_section(name, section)
