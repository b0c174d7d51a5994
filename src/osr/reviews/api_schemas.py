"""The review board API's schemas, and how each record becomes one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from .choices import ActionStatus


class PersonOut(Schema):
    id: int
    name: str


class PanelMemberOut(Schema):
    person: PersonOut
    specialism: str


class AgendaEntryOut(Schema):
    service: str
    name: str
    decided: bool
    outcome: str | None
    url: str


class BoardIn(Schema):
    delivery_group: str = Field(description="The delivery group's slug")
    starts_at: dt.datetime
    place: str = ""
    call_link: str = ""
    chair: int = Field(description="The id of the person who chairs: an OSR manager")


class BoardOut(Schema):
    id: int
    delivery_group: str
    starts_at: dt.datetime
    place: str
    call_link: str
    chair: PersonOut
    panel: list[PanelMemberOut]
    agenda: list[AgendaEntryOut]
    url: str


class PanelMemberIn(Schema):
    person: int
    specialism: str


class AgendaIn(Schema):
    service: str = Field(description="The service's slug")


class ActionOut(Schema):
    id: int
    service: str
    service_name: str
    delivery_group: str
    source: str
    description: str
    owner: PersonOut
    due_on: dt.date
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    closing_note: str
    url: str


class ActionPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ActionOut]


class DecisionOut(Schema):
    id: int
    outcome: str
    summary: str
    decided_at: dt.datetime
    decided_by: str | None
    corrects: int | None
    in_force: bool
    conditions: list[ActionOut]


class ItemOut(Schema):
    board: int
    service: str
    name: str
    decided: bool
    pack_assembled_at: dt.datetime | None
    pack: dict[str, Any]
    decisions: list[DecisionOut]
    url: str
    pdf_url: str


class RatingIn(Schema):
    rating: str = ""
    comment: str = ""


class AssessmentIn(Schema):
    ratings: dict[str, RatingIn] = Field(
        default_factory=dict,
        description="By criterion: uptime, deployment, quality_assurance, "
        "live_like_testing, monitoring, organisational, end_to_end",
    )
    submit: bool = Field(False, description="Submit for good; otherwise saved as a draft")


class AssessmentOut(Schema):
    member: PersonOut
    specialism: str
    submitted_at: dt.datetime | None
    ratings: dict[str, RatingIn]


class AssessmentsOut(Schema):
    own: AssessmentOut | None
    others: list[AssessmentOut] = Field(
        description="The panel's submitted assessments, shown once your own is submitted"
    )


class ConditionIn(Schema):
    description: str
    owner: int = Field(description="The id of the person who owns the action")
    due_on: dt.date


class OutcomeIn(Schema):
    outcome: str = Field(description="green, amber or red")
    summary: str
    conditions: list[ConditionIn] = []
    corrects: int | None = Field(None, description="The id of the decision this corrects")


class CloseIn(Schema):
    note: str = ""


class RehearsalIn(Schema):
    kind: str = Field(description="incident or change")
    held_on: dt.date
    scenario: str
    participants: list[str]
    outcome: str
    findings: list[str] = []


class FindingOut(Schema):
    id: int
    description: str
    action: int | None


class RehearsalOut(Schema):
    id: int
    service: str
    kind: str
    held_on: dt.date
    scenario: str
    participants: list[str]
    outcome: str
    findings: list[FindingOut]


class FindingActionIn(Schema):
    owner: int
    due_on: dt.date


def person_out(person) -> dict:
    return {"id": person.pk, "name": person.name}


def board_out(board) -> dict:
    """A board with its panel and agenda (prefetched by the caller for lists)."""
    agenda = []
    for item in board.agenda.all():
        in_force = getattr(item, "in_force", None)
        agenda.append(
            {
                "service": item.service.slug,
                "name": item.service.name,
                "decided": item.decided,
                "outcome": in_force[0].outcome if in_force else None,
                "url": item.get_absolute_url(),
            }
        )
    return {
        "id": board.pk,
        "delivery_group": board.delivery_group.slug,
        "starts_at": board.starts_at,
        "place": board.place,
        "call_link": board.call_link,
        "chair": person_out(board.chair),
        "panel": [
            {"person": person_out(m.person), "specialism": m.specialism} for m in board.panel.all()
        ],
        "agenda": agenda,
        "url": board.get_absolute_url(),
    }


def action_out(action, today: dt.date) -> dict:
    return {
        "id": action.pk,
        "service": action.service.slug,
        "service_name": action.service.name,
        "delivery_group": action.service.delivery_group.slug,
        "source": action.source,
        "description": action.description,
        "owner": person_out(action.owner),
        "due_on": action.due_on,
        "status": action.status,
        "overdue": action.status == ActionStatus.OPEN and action.due_on < today,
        "closed_at": action.closed_at,
        "closing_note": action.closing_note,
        "url": action.get_absolute_url(),
    }


def decision_out(decision, *, in_force: bool, today: dt.date) -> dict:
    by = decision.decided_by
    return {
        "id": decision.pk,
        "outcome": decision.outcome,
        "summary": decision.summary,
        "decided_at": decision.decided_at,
        "decided_by": by.username if by else None,
        "corrects": decision.corrects_id,
        "in_force": in_force,
        "conditions": [action_out(a, today) for a in decision.actions.all()],
    }


def assessment_out(assessment) -> dict:
    return {
        "member": person_out(assessment.member.person),
        "specialism": assessment.member.specialism,
        "submitted_at": assessment.submitted_at,
        "ratings": {
            r.criterion: {"rating": r.rating, "comment": r.comment}
            for r in assessment.ratings.all()
        },
    }


def rehearsal_out(rehearsal) -> dict:
    return {
        "id": rehearsal.pk,
        "service": rehearsal.service.slug,
        "kind": rehearsal.kind,
        "held_on": rehearsal.held_on,
        "scenario": rehearsal.scenario,
        "participants": rehearsal.participant_names,
        "outcome": rehearsal.outcome,
        "findings": [
            {
                "id": f.pk,
                "description": f.description,
                "action": getattr(getattr(f, "action", None), "pk", None),
            }
            for f in rehearsal.findings.all()
        ],
    }
