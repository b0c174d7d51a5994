"""What the guide is built from, read for many services at once as plain data.

A fixed number of queries whatever the number of services: the catalogue
(services, profiles, components, contracts, dependencies both ways), the
dependency graph's index, readiness and its evidence, MyIT's last sync, and
the review board's outcomes, actions and rehearsals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from osr.catalogue.models import Component, Contract, Dependency, Service
from osr.graph.kept_index import current_index
from osr.graph.queries import reach
from osr.myit.models import MyitSnapshot
from osr.readiness.choices import Status
from osr.readiness.loading import load
from osr.readiness.models import Evidence
from osr.readiness.policy import active_policy
from osr.readiness.services import evaluate_loaded
from osr.reviews.choices import ActionStatus
from osr.reviews.choices import Outcome as BoardOutcome
from osr.reviews.models import Action, Decision, Rehearsal

from .models import OperationsProfile
from .profile import PROFILE_FIELDS

# Readiness's own requirement for this guide: left out of what the guide is built
# from, since approving the guide changes it.
OWN_REQUIREMENT = "AS-4"
PACK_REQUIREMENTS = ("LD-1", "PB-1")


@dataclass
class Sources:
    """Everything one service's guide is assembled from."""

    service: Service
    profile: dict[str, Any]
    components: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    depends_on: list[dict[str, Any]] = field(default_factory=list)
    consumers: list[dict[str, Any]] = field(default_factory=list)
    impact: dict[str, int] = field(default_factory=dict)
    requirements: list[dict[str, Any]] = field(default_factory=list)
    gates: list[dict[str, Any]] = field(default_factory=list)
    packs: list[dict[str, Any]] = field(default_factory=list)
    change_model: dict[str, Any] | None = None
    myit: dict[str, Any] | None = None
    board_outcomes: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    rehearsals: list[dict[str, Any]] = field(default_factory=list)

    def requirement(self, requirement_id: str) -> dict[str, Any] | None:
        return next((r for r in self.requirements if r["id"] == requirement_id), None)


def load_sources(service_ids: list[int], *, today: dt.date) -> dict[int, Sources]:
    """The sources of the guides of these services, by service id."""
    services = Service.objects.filter(id__in=service_ids).select_related(
        "delivery_group",
        "delivery_group__osr_manager",
        "delivery_group__live_services_manager",
        "delivery_team",
        "service_owner",
        "product_manager",
        "data_owner",
    )
    profiles = {
        p.service_id: p for p in OperationsProfile.objects.filter(service_id__in=service_ids)
    }
    found = {
        s.pk: Sources(service=s, profile=_profile_values(profiles.get(s.pk))) for s in services
    }
    if not found:
        return {}
    ids = list(found)
    _components(found, ids)
    _contracts(found, ids)
    _dependencies(found, ids)
    _impact(found)
    _readiness(found, ids, today)
    _change_model(found, ids)
    for service_id, held in MyitSnapshot.objects.filter(service_id__in=ids).values_list(
        "service_id", "held"
    ):
        found[service_id].myit = held or {}
    for service_id, outcomes in review_outcomes_for(ids).items():
        found[service_id].board_outcomes = outcomes
    for service_id, actions in open_actions_for(ids).items():
        found[service_id].actions = actions
    for service_id, rehearsals in rehearsals_for(ids).items():
        found[service_id].rehearsals = rehearsals
    return found


# The review board's records: one query each, read by the guide from the reviews app.


def review_outcomes_for(service_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each service's board decisions in force, newest first: {date, outcome, summary}."""
    found: dict[int, list[dict[str, Any]]] = {}
    for service_id, outcome, summary, decided_at in (
        Decision.objects.filter(item__service_id__in=service_ids, corrected_by__isnull=True)
        .order_by("-decided_at", "-id")
        .values_list("item__service_id", "outcome", "summary", "decided_at")
    ):
        found.setdefault(service_id, []).append(
            {
                "date": timezone.localdate(decided_at),
                "outcome": BoardOutcome(outcome).label,
                "summary": summary,
            }
        )
    return found


def open_actions_for(service_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each service's open actions from boards and rehearsals: {action, owner, due}."""
    found: dict[int, list[dict[str, Any]]] = {}
    for service_id, description, owner, due_on in (
        Action.objects.filter(service_id__in=service_ids, status=ActionStatus.OPEN)
        .order_by("due_on", "id")
        .values_list("service_id", "description", "owner__name", "due_on")
    ):
        found.setdefault(service_id, []).append(
            {"action": description, "owner": owner, "due": due_on}
        )
    return found


def rehearsals_for(service_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each service's rehearsals, newest first: {kind, date, scenario, outcome}."""
    found: dict[int, list[dict[str, Any]]] = {}
    for service_id, kind, held_on, scenario, outcome in (
        Rehearsal.objects.filter(service_id__in=service_ids)
        .order_by("-held_on", "-id")
        .values_list("service_id", "kind", "held_on", "scenario", "outcome")
    ):
        found.setdefault(service_id, []).append(
            {"kind": kind, "date": held_on, "scenario": scenario, "outcome": outcome}
        )
    return found


def _profile_values(profile: OperationsProfile | None) -> dict[str, Any]:
    profile = profile or OperationsProfile()
    return {name: getattr(profile, name) for name in PROFILE_FIELDS}


def _components(found: dict[int, Sources], ids: list[int]) -> None:
    for component in (
        Component.objects.filter(service_id__in=ids)
        .select_related("supplier")
        .order_by("service_id", "name", "id")
    ):
        found[component.service_id].components.append(
            {
                "name": component.name,
                "kind": component.get_kind_display(),
                "hosting": component.get_hosting_display(),
                "supplier": component.supplier.name if component.supplier else "",
                "support_group": component.support_group,
                "runbook_url": component.runbook_url,
                "monitoring_url": component.monitoring_url,
            }
        )


def _contracts(found: dict[int, Sources], ids: list[int]) -> None:
    by_service: dict[int, dict[int, dict[str, Any]]] = {}
    for service_id, contract_id, reference, supplier, start, end, component in (
        Contract.components.through.objects.filter(component__service_id__in=ids)
        .order_by("contract__supplier__name", "contract__reference", "component__name")
        .values_list(
            "component__service_id",
            "contract_id",
            "contract__reference",
            "contract__supplier__name",
            "contract__start_date",
            "contract__end_date",
            "component__name",
        )
    ):
        contract = by_service.setdefault(service_id, {}).setdefault(
            contract_id,
            {
                "reference": reference,
                "supplier": supplier,
                "start": start,
                "end": end,
                "components": [],
            },
        )
        contract["components"].append(component)
    for service_id, contracts in by_service.items():
        found[service_id].contracts = list(contracts.values())


def _dependencies(found: dict[int, Sources], ids: list[int]) -> None:
    rows = (
        Dependency.objects.filter(Q(from_service_id__in=ids) | Q(to_service_id__in=ids))
        .select_related("from_service", "from_service__delivery_group", "to_service", "to_external")
        .order_by("id")
    )
    for dependency in rows:
        kind = dependency.get_kind_display()
        if dependency.from_service_id in found:
            on_service, on_external = dependency.to_service, dependency.to_external
            found[dependency.from_service_id].depends_on.append(
                {
                    "name": on_service.name if on_service else getattr(on_external, "name", ""),
                    "type": "Service" if on_service else "External system",
                    "kind": kind,
                    "live_data": dependency.carries_live_data,
                    "phase": on_service.get_phase_display() if on_service else "",
                    "critical": bool(on_service and on_service.critical),
                    "impact": dependency.description.strip(),
                }
            )
        if dependency.to_service_id in found:
            consumer = dependency.from_service
            found[dependency.to_service_id].consumers.append(
                {
                    "name": consumer.name,
                    "group": consumer.delivery_group.name,
                    "phase": consumer.get_phase_display(),
                    "critical": consumer.critical,
                    "kind": kind,
                    "live_data": dependency.carries_live_data,
                }
            )
    for sources in found.values():
        sources.depends_on.sort(key=lambda d: (d["name"].lower(), d["type"]))
        sources.consumers.sort(key=lambda d: d["name"].lower())


def _impact(found: dict[int, Sources]) -> None:
    """How many services fail with each one, directly or through others, from the graph index."""
    index = current_index()
    for sources in found.values():
        node = index.node_for(sources.service.slug)
        reached = reach(index, node, "downstream") if node is not None else {}
        sources.impact = {
            "total": len(reached),
            "live": sum(1 for n in reached if index.phase(n) == "live"),
            "critical": sum(1 for n in reached if index.critical[n]),
        }


def _readiness(found: dict[int, Sources], ids: list[int], today: dt.date) -> None:
    policy = active_policy()
    titles = {gate.id: gate.title for gate in policy.gates}
    labels = dict(Status.choices)
    for loaded in load(Service.objects.filter(id__in=ids).order_by("id")):
        sources = found[loaded.service_id]
        evaluation = evaluate_loaded(loaded, today=today, policy=policy)
        sources.requirements = [
            {
                "id": r.id,
                "title": r.title,
                "gate": titles[r.gate],
                "status": labels[r.status],
                "satisfied": r.satisfied,
            }
            for r in evaluation.requirements
            if r.id != OWN_REQUIREMENT
        ]
        sources.gates = [
            {
                "title": gate.title,
                "open": [i for i in gate.open if i != OWN_REQUIREMENT],
            }
            for gate in evaluation.gates
        ]
        sources.packs = sorted(
            (
                {"requirement": e.requirement_id, "version": e.pack_version, "date": e.pack_date}
                for e in loaded.evidence
                if e.requirement_id in PACK_REQUIREMENTS
                and e.status == "verified"
                and e.pack_version
            ),
            key=lambda p: (p["date"] or dt.date.min, p["version"]),
            reverse=True,
        )


def _change_model(found: dict[int, Sources], ids: list[int]) -> None:
    """The newest evidence of each service's agreed change model (PB-4)."""
    for service_id, status, attestation, evidence_date in (
        Evidence.objects.filter(service_id__in=ids, requirement_id="PB-4")
        .exclude(status="rejected")
        .order_by("service_id", "-submitted_at", "-id")
        .values_list("service_id", "status", "attestation", "evidence_date")
    ):
        if found[service_id].change_model is None:
            found[service_id].change_model = {
                "verified": status == "verified",
                "model": attestation,
                "agreed_on": evidence_date,
            }
