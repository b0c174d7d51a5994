"""The review board API's schemas, and how each record becomes one.

An action's answer says whether it is overdue, which depends on the day, and a
decision's whether a later one corrects it: neither is on the record, so they are
given as ``With(action, today=...)`` and ``With(decision, today=..., in_force=...)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StrictBool

from osr.core.answers import With
from osr.core.api_contract import Input, refers_to


class ReviewPersonOut(Schema):
    id: int
    name: str


class PanelMemberOut(Schema):
    person: ReviewPersonOut
    specialism: str
    attended: bool | None = Field(description="Recorded once the board has met")


class AgendaEntryOut(Schema):
    service: str = Field(alias="service.slug")
    name: str = Field(alias="service.name")
    decided: bool
    outcome: str | None
    url: str

    @staticmethod
    def resolve_outcome(item) -> str | None:
        # The decision in force, prefetched as ``in_force`` by the boards' queryset.
        in_force = getattr(item, "in_force", None)
        return in_force[0].outcome if in_force else None

    @staticmethod
    def resolve_url(item) -> str:
        return item.get_absolute_url()


class BoardIn(Input):
    delivery_group: Annotated[str, refers_to("delivery-groups")] = Field(
        description="The delivery group's slug"
    )
    starts_at: dt.datetime
    place: str = ""
    call_link: str = ""
    chair: Annotated[int, refers_to("people")] = Field(
        description="The id of the person who chairs: an OSR manager"
    )


class BoardChangeOut(Schema):
    kind: str = Field(description="rescheduled, cancelled, notes_recorded or notes_corrected")
    reason: str
    was: str
    now: str
    made_at: dt.datetime
    made_by: str | None

    @staticmethod
    def resolve_made_by(change) -> str | None:
        return change.made_by.username if change.made_by else None


class BoardOut(Schema):
    """A board with its panel, agenda and changes (prefetched by ``services.boards``)."""

    id: int
    delivery_group: str = Field(alias="delivery_group.slug")
    starts_at: dt.datetime
    place: str
    call_link: str
    chair: ReviewPersonOut
    status: str = Field(description="scheduled or cancelled")
    notes: str
    panel: list[PanelMemberOut]
    agenda: list[AgendaEntryOut]
    changes: list[BoardChangeOut] = Field(description="Latest first")
    url: str

    @staticmethod
    def resolve_url(board) -> str:
        return board.get_absolute_url()


class RescheduleIn(Input):
    starts_at: dt.datetime
    place: str | None = Field(None, description="Unchanged when left out")
    call_link: str | None = Field(None, description="Unchanged when left out")
    reason: str = Field("", description="Why: the teams and the panel are told")


class CancelIn(Input):
    reason: str = Field("", description="Why: the teams and the panel are told")


class BoardNotesIn(Input):
    notes: str = ""
    attended: list[Annotated[int, refers_to("people")]] = Field(
        default_factory=list, description="The ids of the panel members (people) who attended"
    )
    reason: str = Field("", description="Why, once notes or attendance are recorded")


class PanelMemberIn(Input):
    person: Annotated[int, refers_to("people")]
    specialism: str


class AgendaIn(Input):
    service: Annotated[str, refers_to("services")] = Field(description="The service's slug")


class ActionOut(Schema):
    """Shown from ``With(action, today=...)``."""

    id: int
    service: str = Field(alias="service.slug")
    service_name: str = Field(alias="service.name")
    delivery_group: str = Field(alias="service.delivery_group.slug")
    source: str
    description: str
    owner: ReviewPersonOut
    due_on: dt.date
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    closing_note: str
    url: str

    @staticmethod
    def resolve_overdue(action: With) -> bool:
        return action.is_overdue(action.today)

    @staticmethod
    def resolve_url(action: With) -> str:
        return action.get_absolute_url()


class DecisionOut(Schema):
    """Shown from ``With(decision, today=..., in_force=...)``."""

    id: int
    outcome: str
    summary: str
    decided_at: dt.datetime
    decided_by: str | None
    corrects: int | None = Field(alias="corrects_id")
    in_force: bool
    conditions: list[ActionOut]

    @staticmethod
    def resolve_decided_by(decision: With) -> str | None:
        return decision.decided_by.username if decision.decided_by else None

    @staticmethod
    def resolve_conditions(decision: With) -> list[With]:
        return [With(a, today=decision.today) for a in decision.actions.all()]


class ItemOut(Schema):
    """Shown from ``With(item, recorded=[its decisions, oldest first], today=...)``."""

    board: int = Field(alias="board_id")
    service: str = Field(alias="service.slug")
    name: str = Field(alias="service.name")
    decided: bool
    pack_assembled_at: dt.datetime | None
    pack: dict[str, Any]
    decisions: list[DecisionOut]
    url: str
    pdf_url: str

    @staticmethod
    def resolve_decisions(item: With) -> list[With]:
        # A decision is in force until a later one corrects it.
        corrected = {d.corrects_id for d in item.recorded if d.corrects_id}
        return [With(d, today=item.today, in_force=d.pk not in corrected) for d in item.recorded]

    @staticmethod
    def resolve_url(item: With) -> str:
        return item.get_absolute_url()

    @staticmethod
    def resolve_pdf_url(item: With) -> str:
        return f"{item.get_absolute_url()}/pack.pdf"


class RatingIn(Input):
    rating: str = ""
    comment: str = ""


class AssessmentIn(Input):
    ratings: dict[str, RatingIn] = Field(
        default_factory=dict,
        description="By criterion: uptime, deployment, quality_assurance, "
        "live_like_testing, monitoring, organisational, end_to_end",
    )
    submit: StrictBool = Field(False, description="Submit for good; otherwise saved as a draft")


class AssessmentOut(Schema):
    member: ReviewPersonOut = Field(alias="member.person")
    specialism: str = Field(alias="member.specialism")
    submitted_at: dt.datetime | None
    ratings: dict[str, RatingIn]

    @staticmethod
    def resolve_ratings(assessment) -> dict[str, Any]:
        return {r.criterion: r for r in assessment.ratings.all()}


class AssessmentsOut(Schema):
    own: AssessmentOut | None
    others: list[AssessmentOut] = Field(
        description="The panel's submitted assessments, shown once your own is submitted"
    )


class ConditionIn(Input):
    description: str
    owner: Annotated[int, refers_to("people")] = Field(
        description="The id of the person who owns the action"
    )
    due_on: dt.date


class OutcomeIn(Input):
    outcome: str = Field(description="green, amber or red")
    summary: str
    conditions: list[ConditionIn] = []
    corrects: int | None = Field(None, description="The id of the decision this corrects")


class CloseIn(Input):
    note: str = ""


class RehearsalIn(Input):
    kind: str = Field(description="incident or change")
    held_on: dt.date
    scenario: str
    participants: list[str]
    outcome: str
    findings: list[str] = []


class RehearsalFindingOut(Schema):
    id: int
    description: str
    action: int | None = Field(description="The id of the action raised from it")

    @staticmethod
    def resolve_action(finding) -> int | None:
        # A finding without an action has no related row: reading it raises.
        return getattr(getattr(finding, "action", None), "pk", None)


class RehearsalOut(Schema):
    id: int
    service: str = Field(alias="service.slug")
    kind: str
    held_on: dt.date
    scenario: str
    participants: list[str] = Field(alias="participant_names")
    outcome: str
    findings: list[RehearsalFindingOut]


class FindingActionIn(Input):
    owner: Annotated[int, refers_to("people")]
    due_on: dt.date
