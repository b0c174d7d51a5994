"""Who is told what about evidence and waivers; every message goes through ``osr.core.notify``.

Each is called inside the transaction of the change it tells of, so that a
change rolled back tells nobody.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from osr.catalogue.choices import Phase
from osr.catalogue.models import Service
from osr.catalogue.recipients import (
    account_address,
    manager_addresses,
    team_addresses,
    teams_channel,
    unique,
)
from osr.core import notify
from osr.core.notify import Kind
from osr.core.roles import OSR_MANAGER
from osr.core.shortcuts import day

from .expiry import ExpiryNotice, expiry_notices
from .models import Evidence
from .policy import active_policy


def _link(path: str) -> str:
    return f"{settings.OSR_BASE_URL}{path}"


def _title(evidence: Evidence) -> str:
    requirement = active_policy().requirement(evidence.requirement_id)
    return f"{evidence.requirement_id}: {requirement.title}" if requirement else ""


def evidence_submitted(evidence: Evidence) -> None:
    """Tell the group's OSR manager that evidence awaits their verification."""
    service = evidence.service
    group = service.delivery_group
    by = evidence.submitted_by
    who = (by.get_full_name() or by.username) if by else "The delivery team"
    notify.send_email(
        manager_addresses(group, OSR_MANAGER),
        f"{service.name}: {evidence.requirement_id} evidence awaits your verification",
        f"{who} submitted evidence for {_title(evidence) or evidence.requirement_id} "
        f"of {service.name} ({group.name}).\n\n"
        "Verify it, or reject it with the reason the team should act on.",
        Kind.EVIDENCE_SUBMITTED,
        link=_link(evidence.get_absolute_url()),
        teams=teams_channel(group),
    )


def evidence_reviewed(evidence: Evidence) -> None:
    """Tell the submitter and the service's team that evidence was verified or rejected."""
    service = evidence.service
    rejected = evidence.status == "rejected"
    outcome = "rejected" if rejected else "verified"
    lines = [
        f"The OSR manager {outcome} the evidence for "
        f"{_title(evidence) or evidence.requirement_id} of {service.name}."
    ]
    if rejected:
        lines += ["", f"The reason: {evidence.review_note}", "", "Submit evidence again."]
    elif evidence.review_note:
        lines += ["", evidence.review_note]
    notify.send_email(
        unique([account_address(evidence.submitted_by), *team_addresses(service)]),
        f"{service.name}: {evidence.requirement_id} evidence {outcome}",
        "\n".join(lines),
        Kind.EVIDENCE_REJECTED if rejected else Kind.EVIDENCE_VERIFIED,
        link=_link(evidence.get_absolute_url()),
        teams=teams_channel(service.delivery_group),
    )


_PHRASES = {
    Kind.EVIDENCE_EXPIRING: (
        "verified evidence expires on {on}",
        "Submit current evidence before then.",
    ),
    Kind.WAIVER_EXPIRING: (
        "waiver expires on {on}",
        "Meet the requirement, or ask the OSR manager for a new waiver, before then.",
    ),
    Kind.EVIDENCE_EXPIRED: (
        "verified evidence expired on {on}",
        "The requirement is no longer met: submit current evidence.",
    ),
    Kind.WAIVER_EXPIRED: (
        "waiver expired on {on}",
        "The requirement is no longer waived: meet it, or ask for a new waiver.",
    ),
}


def expiry_warning(service: Service, notice: ExpiryNotice) -> int:
    """Tell the service's team (once per expiry) that evidence or a waiver expires or expired."""
    what, advice = _PHRASES[Kind(notice.kind)]
    what = what.format(on=day(notice.on))
    written = notify.send_email(
        team_addresses(service),
        f"{service.name}: {notice.requirement_id} {what}",
        f"The {what} for {notice.requirement_id}: {notice.title} of {service.name}.\n\n{advice}",
        notice.kind,
        link=_link(f"{service.get_absolute_url()}/readiness"),
        topic=f"{notice.kind}:{service.pk}:{notice.requirement_id}:{notice.on.isoformat()}",
        teams=teams_channel(service.delivery_group),
    )
    return written


def send_expiry_warnings(*, today: dt.date) -> dict[str, int]:
    """The daily job: warn each team of evidence and waivers expiring within 30 days, or expired.

    Each expiry is told once, however often the check runs.
    """
    from .services import portfolio

    policy = active_policy()
    services = Service.objects.exclude(phase=Phase.RETIRED).order_by("pk")
    found: list[tuple[int, ExpiryNotice]] = []
    for loaded, evaluation in portfolio(services, today=today):
        notices = expiry_notices(policy, evaluation, loaded.evidence, loaded.waivers, today=today)
        found += [(loaded.service_id, notice) for notice in notices]
    counts = {"expiring": 0, "expired": 0, "notifications": 0}
    by_id = Service.objects.select_related(
        "delivery_group", "delivery_team", "service_owner__user", "product_manager__user"
    ).in_bulk({service_id for service_id, _ in found})
    for service_id, notice in found:
        counts["expiring" if notice.kind.endswith("expiring") else "expired"] += 1
        counts["notifications"] += expiry_warning(by_id[service_id], notice)
    return counts
