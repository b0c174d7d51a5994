"""The board pack: what the panel reads about a service before the board, assembled from OSR.

Stored as plain data on the agenda item, so that the pack the board saw is
kept once its outcome is recorded, and shown as a page and as a PDF.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from osr.catalogue.choices import PHASE_ORDER, DependencyKind, Phase
from osr.catalogue.models import Component, Contract, Dependency, Service
from osr.core.shortcuts import day
from osr.readiness.choices import EvidenceStatus, Status
from osr.readiness.models import Evidence
from osr.readiness.services import readiness_of

from .choices import ActionSource, ActionStatus
from .models import Action

CHANGE_MODEL_REQUIREMENT = "PB-4"

# The sections of a pack, in order: their headings are the same on the page and in the PDF.
SECTIONS = [
    ("readiness", "Readiness status and blockers"),
    ("components", "Components"),
    ("dependencies", "Dependencies on live services"),
    ("suppliers", "Suppliers and contracts"),
    ("support", "Support model"),
    ("change", "Change model"),
    ("actions", "Open actions from earlier boards"),
]


def assemble_pack(service: Service, *, today: dt.date) -> dict[str, Any]:
    """Everything the board pack holds for a service as OSR knows it on ``today``."""
    service = Service.objects.select_related(
        "delivery_group__osr_manager",
        "delivery_group__live_services_manager",
        "delivery_team",
        "service_owner",
        "product_manager",
        "data_owner",
    ).get(pk=service.pk)
    live = PHASE_ORDER.index(Phase.LIVE)
    target = Phase.LIVE if PHASE_ORDER.index(service.phase) < live else None
    evaluation = readiness_of(service, today=today, target_phase=target)
    statuses = dict(Status.choices)
    return {
        "assembled_on": today.isoformat(),
        "service": {
            "name": service.name,
            "slug": service.slug,
            "phase": service.get_phase_display(),
            "delivery_group": service.delivery_group.name,
            "delivery_team": _name(service.delivery_team),
            "critical": service.critical,
            "uses_live_data": service.uses_live_data,
            "description": service.description,
            "url": f"{settings.OSR_BASE_URL}{service.get_absolute_url()}",
        },
        "readiness": {
            "policy_version": evaluation.policy_version,
            "percent": evaluation.percent,
            "target_phase": Phase(target).label if target else "",
            "blockers": [{"id": b.requirement_id, "reason": b.reason} for b in evaluation.blockers],
            "requirements": [
                {"id": r.id, "title": r.title, "status": statuses[r.status], "reason": r.reason}
                for r in evaluation.requirements
                if r.shown
            ],
        },
        "components": _components(service),
        "dependencies": _live_dependencies(service),
        "suppliers": _suppliers(service, today),
        "support": _support(service),
        "change": _change_model(service, evaluation.requirement(CHANGE_MODEL_REQUIREMENT)),
        "actions": _open_actions(service),
    }


def on(value: str | dt.date | None) -> str:
    """A date from a board pack (ISO text) or a model, as people read it."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return day(value)


def render_pdf(item) -> bytes:
    """The agenda item's board pack as a PDF, through WeasyPrint."""
    from weasyprint import HTML

    html = render_to_string(
        "reviews/pack_print.html", {"item": item, "pack": item.pack, "sections": SECTIONS, "on": on}
    )
    return HTML(string=html, base_url=settings.OSR_BASE_URL).write_pdf()


def _name(obj) -> str:
    return obj.name if obj is not None else ""


def _components(service: Service) -> list[dict]:
    return [
        {
            "name": c.name,
            "kind": c.get_kind_display(),
            "hosting": c.get_hosting_display(),
            "supplier": _name(c.supplier) or "In-house",
            "support_group": c.support_group,
        }
        for c in Component.objects.filter(service=service).select_related("supplier")
    ]


def _live_dependencies(service: Service) -> list[dict]:
    """The live services this one depends on: a change here could affect them."""
    rows = Dependency.objects.filter(
        from_service=service, to_service__phase=Phase.LIVE
    ).values_list(
        "to_service__name", "to_service__slug", "kind", "carries_live_data", "description"
    )
    return [
        {
            "service": name,
            "slug": slug,
            "kind": DependencyKind(kind).label,
            "carries_live_data": carries_live_data,
            "description": description,
        }
        for name, slug, kind, carries_live_data, description in rows.order_by("to_service__name")
    ]


def _suppliers(service: Service, today: dt.date) -> list[dict]:
    names: dict[int, str] = dict(
        Component.objects.filter(service=service, supplier__isnull=False).values_list(
            "supplier_id", "supplier__name"
        )
    )
    contracts: dict[int, list[dict]] = {}
    for contract in (
        Contract.objects.filter(components__service=service).distinct().order_by("reference")
    ):
        contracts.setdefault(contract.supplier_id, []).append(
            {
                "reference": contract.reference,
                "start": contract.start_date.isoformat(),
                "end": contract.end_date.isoformat(),
                "current": contract.is_current(today),
            }
        )
    return [
        {"name": name, "contracts": contracts.get(supplier_id, [])}
        for supplier_id, name in sorted(names.items(), key=lambda item: item[1])
    ]


def _support(service: Service) -> dict:
    group = service.delivery_group
    support_groups = sorted(
        {
            group_name
            for group_name in Component.objects.filter(service=service).values_list(
                "support_group", flat=True
            )
            if group_name
        }
    )
    return {
        "hours": service.get_support_hours_display(),
        "contact_email": service.support_contact_email,
        "delivery_team": _name(service.delivery_team),
        "support_groups": support_groups,
        "service_owner": _name(service.service_owner),
        "product_manager": _name(service.product_manager),
        "data_owner": _name(service.data_owner),
        "osr_manager": _name(group.osr_manager),
        "live_services_manager": _name(group.live_services_manager),
        "myit_record_url": service.myit_record_url,
        "runbook_urls": list(service.runbook_urls or []),
        "dashboard_urls": list(service.dashboard_urls or []),
    }


def _change_model(service: Service, result) -> dict:
    """The change model the delivery group agreed (PB-4), as last submitted."""
    evidence = (
        Evidence.objects.filter(service=service, requirement_id=CHANGE_MODEL_REQUIREMENT)
        .order_by("-submitted_at", "-id")
        .first()
    )
    verified = (
        Evidence.objects.filter(
            service=service,
            requirement_id=CHANGE_MODEL_REQUIREMENT,
            status=EvidenceStatus.VERIFIED,
        )
        .order_by("-submitted_at", "-id")
        .first()
    )
    shown = verified or evidence
    return {
        "status": dict(Status.choices)[result.status] if result else "",
        "reason": result.reason if result else "",
        "evidence": {
            "attestation": shown.attestation,
            "links": list(shown.links or []),
            "agreed_on": shown.evidence_date.isoformat() if shown.evidence_date else "",
            "review": shown.get_status_display(),
        }
        if shown
        else None,
    }


def _open_actions(service: Service) -> list[dict]:
    actions = (
        Action.objects.filter(service=service, status=ActionStatus.OPEN)
        .select_related("owner", "decision__item__board", "finding__rehearsal")
        .order_by("due_on", "id")
    )
    rows = []
    for action in actions:
        if action.source == ActionSource.CONDITION and action.decision:
            origin = f"Condition set by the review board on {day(action.decision.item.board.day)}"
        elif action.finding:
            rehearsal = action.finding.rehearsal
            kind = rehearsal.get_kind_display().lower()
            origin = f"Finding of the {kind} rehearsal on {day(rehearsal.held_on)}"
        else:
            origin = action.get_source_display()
        rows.append(
            {
                "description": action.description,
                "owner": action.owner.name,
                "due_on": action.due_on.isoformat(),
                "origin": origin,
            }
        )
    return rows
