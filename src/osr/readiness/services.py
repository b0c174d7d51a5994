"""Readiness operations shared by pages, the API and the CLI.

Each write is one transaction, attributed to the acting user in the audit
trail; email goes through ``osr.core.notify`` once the transaction commits.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from osr.catalogue.choices import PHASE_ORDER
from osr.catalogue.models import DeliveryGroup, Service
from osr.catalogue.phase_hooks import Blocker
from osr.catalogue.rules import managed_group_ids
from osr.core import notify
from osr.core.refusals import Invalid
from osr.core.roles import OSR_MANAGER

from . import notices
from .checks import registered_checks
from .choices import EventKind, EvidenceStatus
from .engine import Evaluation, evaluate
from .loading import Loaded, load, load_one
from .models import Evidence, GateDecision, RequirementEvent, Waiver
from .policy import Policy, Requirement, active_policy
from .results import stored_for_move


class UnknownRequirement(Invalid):
    """A requirement ID the active policy does not hold."""

    def __init__(self, requirement_id: str):
        super().__init__({"requirement": [f"No requirement ‘{requirement_id}’ in the policy"]})


def requirement_of(requirement_id: str) -> Requirement:
    """The active policy's requirement with this ID, or ``UnknownRequirement``."""
    requirement = active_policy().requirement(requirement_id)
    if requirement is None:
        raise UnknownRequirement(requirement_id)
    return requirement


def evaluate_loaded(
    loaded: Loaded, *, today: dt.date, target_phase: str | None = None, policy: Policy | None = None
) -> Evaluation:
    """Evaluate loaded inputs under the active policy (or the one given)."""
    return evaluate(
        policy or active_policy(),
        loaded.facts,
        loaded.evidence,
        loaded.waivers,
        today,
        checks=registered_checks(),
        target_phase=target_phase,
    )


def readiness_of(
    service: Service, *, today: dt.date, target_phase: str | None = None
) -> Evaluation:
    """Where one service stands today, and what stops it entering the target phase."""
    return evaluate_loaded(load_one(service), today=today, target_phase=target_phase)


def portfolio(services: QuerySet[Service], *, today: dt.date) -> list[tuple[Loaded, Evaluation]]:
    """Every service of a queryset with its evaluation, in a fixed number of queries."""
    policy, checks = active_policy(), registered_checks()
    return [
        (
            item,
            evaluate(policy, item.facts, item.evidence, item.waivers, today, checks=checks),
        )
        for item in load(services)
    ]


def submit_evidence(
    service: Service, requirement: Requirement, *, data: dict, file_kind: str | None, by
) -> Evidence:
    """Record evidence for a requirement (validated by ``EvidenceForm``), awaiting verification."""
    upload = data.get("file")
    with transaction.atomic():
        evidence = Evidence(
            service=service,
            requirement_id=requirement.id,
            attestation=data.get("attestation", "").strip(),
            links=data.get("links") or [],
            evidence_date=data.get("evidence_date"),
            pack_version=(data.get("pack_version") or "").strip(),
            pack_date=data.get("pack_date"),
            submitted_by=_user(by),
            policy_version=active_policy().version,
        )
        if upload:
            evidence.file_type = file_kind or ""
            evidence.file_name = _safe_name(upload.name)
            evidence.file_size = upload.size
            evidence.file.save(evidence.file_name, upload, save=False)
        evidence.save()
        RequirementEvent.objects.create(
            service=service,
            requirement_id=requirement.id,
            kind=EventKind.SUBMITTED,
            at=evidence.submitted_at,
            by=_user(by),
            evidence=evidence,
            policy_version=evidence.policy_version,
        )
        notices.evidence_submitted(evidence)
    return evidence


def verify_evidence(evidence: Evidence, *, by, note: str = "") -> Evidence:
    """Verify evidence awaiting review, so that it meets its requirement; tell the team."""
    with transaction.atomic():
        evidence.verify(by=by, note=note, policy_version=active_policy().version)
        notices.evidence_reviewed(evidence)
    return evidence


def reject_evidence(evidence: Evidence, *, by, reason: str) -> Evidence:
    """Reject evidence awaiting review, with the reason the team will see (and are sent)."""
    with transaction.atomic():
        evidence.reject(by=by, reason=reason, policy_version=active_policy().version)
        notices.evidence_reviewed(evidence)
    return evidence


def waive_requirement(
    service: Service, requirement: Requirement, *, reason: str, expires_on: dt.date | None, by
) -> Waiver:
    """Waive a requirement for a service, with a reason and an optional end date."""
    with transaction.atomic():
        waiver = Waiver.objects.create(
            service=service,
            requirement_id=requirement.id,
            reason=reason.strip(),
            expires_on=expires_on,
            granted_by=_user(by),
            policy_version=active_policy().version,
        )
        until = f" until {expires_on.isoformat()}" if expires_on else ""
        RequirementEvent.objects.create(
            service=service,
            requirement_id=requirement.id,
            kind=EventKind.WAIVED,
            at=waiver.granted_at,
            by=_user(by),
            note=f"{waiver.reason}{until}",
            waiver=waiver,
            policy_version=waiver.policy_version,
        )
    return waiver


def awaiting_verification(user, *, limit: int = 50) -> tuple[int, list[Evidence]]:
    """Submissions awaiting review: the user's groups' for an OSR manager, all otherwise."""
    queue = Evidence.objects.filter(status=EvidenceStatus.SUBMITTED)
    managed = managed_group_ids(user, OSR_MANAGER)
    if managed:
        queue = queue.filter(service__delivery_group_id__in=managed)
    rows = list(
        queue.select_related("service", "service__delivery_group", "submitted_by__person").order_by(
            "submitted_at", "id"
        )[:limit]
    )
    return queue.count(), rows


def check_phase_gates(
    service: Service, to_phase: str, *, by, today: dt.date, force: bool, reason: str
) -> list[Blocker]:
    """The readiness gates of a phase move, as registered with the catalogue.

    Moving back is always allowed. A forward move is refused with every
    blocker unless an administrator forces it with a reason; a move that goes
    ahead records the evaluation it was decided on: the service's stored one
    where that still counts and is today's (``results.stored_for_move``), else
    the service evaluated now.
    """
    if PHASE_ORDER.index(to_phase) <= PHASE_ORDER.index(service.phase):
        return []
    policy = active_policy()
    evaluation = stored_for_move(service, to_phase, policy=policy, today=today) or evaluate_loaded(
        load_one(service), today=today, target_phase=to_phase, policy=policy
    )
    blockers = list(evaluation.blockers)
    may_force = by is not None and by.has_perm("catalogue.force_phase_move", service)
    if blockers and not (force and may_force and reason.strip()):
        return blockers
    GateDecision.objects.create(
        service=service,
        from_phase=service.phase,
        to_phase=to_phase,
        decided_by=_user(by),
        policy_version=policy.version,
        forced=bool(blockers),
        reason=reason.strip(),
        statuses={r.id: r.status for r in evaluation.requirements},
        blockers=[{"id": b.requirement_id, "reason": b.reason} for b in blockers],
    )
    return []


def start_live_data_obligations(service: Service, *, today: dt.date) -> None:
    """The service now uses live data: its live-data requirements fall due at once.

    Records when, notes each requirement's history, and emails the delivery
    group's OSR manager once the change commits.
    """
    policy = active_policy()
    due = [
        requirement
        for gate in policy.gates
        if gate.trigger == "uses_live_data"
        for requirement in policy.in_gate(gate.id)
    ]
    with transaction.atomic():
        if service.live_data_since is None:
            Service.objects.filter(pk=service.pk).update(live_data_since=today)
            service.live_data_since = today
        RequirementEvent.objects.bulk_create(
            RequirementEvent(
                service=service,
                requirement_id=requirement.id,
                kind=EventKind.DUE,
                note="The service started using live data",
                policy_version=policy.version,
            )
            for requirement in due
        )
        group = DeliveryGroup.objects.select_related("osr_manager__user").get(
            pk=service.delivery_group_id
        )
        manager = group.osr_manager
        address = (manager.email or getattr(manager.user, "email", "")) if manager else ""
        if address and due:
            listed = "\n".join(f"- {r.id}: {r.title}" for r in due)
            notify.send_email(
                address,
                f"{service.name} now uses live data: {', '.join(r.id for r in due)} due",
                f"{service.name} ({group.name}) now uses information or data from a live "
                f"service. These requirements are due at once:\n\n{listed}\n\n"
                "The service is flagged on the OSR portfolio until they are met.\n\n"
                f"{settings.OSR_BASE_URL}{service.get_absolute_url()}/readiness",
                notify.Kind.LIVE_DATA_STARTED,
            )


def _safe_name(name: str) -> str:
    """The uploader's file name without any path, for the download's name only."""
    return (name or "evidence").replace("\\", "/").rsplit("/", 1)[-1][:200] or "evidence"


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
