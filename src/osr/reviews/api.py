"""The review board API: boards, their panel and agenda, packs, assessments, outcomes,
actions and rehearsals. Input is checked by the pages' own forms and models."""

from __future__ import annotations

from typing import Literal

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Header, Query, Router, Status

from osr.catalogue.models import Person, Service
from osr.core.answers import With
from osr.core.api_contract import QUERY_FILTERS
from osr.core.api_crud import ErrorOut
from osr.core.concurrency import check_if_match, etag_of
from osr.core.paging import Shown, paginated
from osr.core.refusals import Invalid, invalid
from osr.core.resources import DatabaseId, query_parameters
from osr.core.shortcuts import require

from . import services
from .api_board_changes import router as board_changes_router
from .api_schemas import (
    ActionOut,
    AgendaIn,
    AssessmentIn,
    AssessmentOut,
    AssessmentsOut,
    BoardIn,
    BoardOut,
    CloseIn,
    DecisionOut,
    FindingActionIn,
    ItemOut,
    OutcomeIn,
    PanelMemberIn,
    RehearsalIn,
    RehearsalOut,
)
from .board_rules import Condition
from .filters import ActionFilterSet, action_list
from .forms import BoardForm, RehearsalForm
from .models import Action, AgendaItem, Decision, Finding, Rehearsal, ReviewBoard

router = Router(tags=["Review boards"])
router.add_router("", board_changes_router)


def _form_errors(form, renamed: dict[str, str]) -> Invalid:
    """The board form's errors under the API's field names (its day and time are one field)."""
    errors: dict[str, list[str]] = {}
    for name, messages in invalid(form).errors.items():
        errors.setdefault(renamed.get(name, name), []).extend(messages)
    return Invalid(errors)


def _boards():
    return services.boards(when="any", today=timezone.localdate())


def _board(board_id: int) -> ReviewBoard:
    return get_object_or_404(_boards(), pk=board_id)


def _item(board: ReviewBoard, slug: str) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related("service__delivery_group"),
        board=board,
        service__slug=slug,
    )
    item.board = board
    return item


def _decisions():
    return Decision.objects.prefetch_related("actions__owner", "actions__service__delivery_group")


def _item_shown(item: AgendaItem) -> ItemOut:
    recorded = list(_decisions().filter(item=item))
    return ItemOut.model_validate(With(item, recorded=recorded, today=timezone.localdate()))


def _board_form(request, body: BoardIn) -> BoardForm:
    local = timezone.localtime(body.starts_at) if timezone.is_aware(body.starts_at) else None
    starts = local or body.starts_at
    data = body.dict() | {"day": starts.date(), "time": starts.time()}
    form = BoardForm(data)
    if not form.is_valid():
        raise _form_errors(form, {"day": "starts_at", "time": "starts_at"})
    require(request, "reviews.add_reviewboard", form.cleaned_data["delivery_group"])
    return form


@router.get("/review-boards", response=list[BoardOut], summary="Review boards")
@paginated
def list_boards(
    request, when: Literal["upcoming", "past"] = Query("upcoming", description="upcoming or past")
):
    require(request, "reviews.view_reviewboard")
    if when not in ("upcoming", "past"):
        raise Invalid({"when": ["Choose upcoming or past"]})
    boards = services.boards(when=when, today=timezone.localdate())
    return boards


@router.post("/review-boards", response={201: BoardOut}, summary="Schedule a review board")
def schedule_board(request, body: BoardIn):
    require(request, "reviews.add_reviewboard")
    form = _board_form(request, body)
    board = services.schedule_board(form.cleaned_data, by=request.user)
    return Status(201, _board(board.pk))


@router.get("/review-boards/{board_id}", response=BoardOut, summary="A review board")
def get_board(request, board_id: DatabaseId):
    board = _board(board_id)
    require(request, "reviews.view_reviewboard", board)
    return board


@router.post(
    "/review-boards/{board_id}/panel", response={201: BoardOut}, summary="Add a panel member"
)
def add_panel_member(request, board_id: DatabaseId, body: PanelMemberIn):
    board = _board(board_id)
    require(request, "reviews.change_reviewboard", board)
    person = Person.objects.filter(pk=body.person).first()
    if person is None:
        raise Invalid({"person": [f"No person with id {body.person}"]})
    services.add_panel_member(board, person, body.specialism, by=request.user)
    return Status(201, _board(board_id))


@router.post(
    "/review-boards/{board_id}/agenda",
    response={201: ItemOut},
    summary="Put a service on the agenda; its team and the panel are notified",
)
def add_to_agenda(request, board_id: DatabaseId, body: AgendaIn):
    board = _board(board_id)
    require(request, "reviews.change_reviewboard", board)
    service = Service.objects.filter(slug=body.service).first()
    if service is None:
        raise Invalid({"service": [f"No service with the slug ‘{body.service}’"]})
    require(request, "reviews.add_agendaitem", service)
    item = services.add_to_agenda(board, service, by=request.user, today=timezone.localdate())
    return Status(201, _item_shown(item))


@router.delete(
    "/review-boards/{board_id}/agenda/{slug}",
    response={204: None, 412: ErrorOut, 428: ErrorOut},
    summary="Take a service off the agenda before its outcome is recorded",
    description="Send the agenda item's current ETag in `If-Match`.",
)
def remove_from_agenda(
    request, board_id: DatabaseId, slug: str, if_match: str | None = Header(None, alias="If-Match")
):
    board = _board(board_id)
    require(request, "reviews.change_reviewboard", board)
    item = _item(board, slug)
    check_if_match(if_match, etag_of(_item_shown(item).model_dump()))
    services.remove_from_agenda(board, item.service, by=request.user)
    return Status(204, None)


@router.get(
    "/review-boards/{board_id}/agenda/{slug}",
    response=ItemOut,
    summary="A service on the agenda: its board pack and the board's decisions",
)
def get_item(request, response: HttpResponse, board_id: DatabaseId, slug: str):
    board = _board(board_id)
    require(request, "reviews.view_reviewboard", board)
    shown = _item_shown(_item(board, slug))
    response["ETag"] = etag_of(shown.model_dump())
    return shown


@router.post(
    "/review-boards/{board_id}/agenda/{slug}/pack",
    response=ItemOut,
    summary="Assemble the board pack again from what OSR holds now",
)
def refresh_pack(request, board_id: DatabaseId, slug: str):
    board = _board(board_id)
    require(request, "reviews.change_reviewboard", board)
    item = _item(board, slug)
    services.refresh_pack(item, by=request.user, today=timezone.localdate())
    return _item_shown(item)


@router.get(
    "/review-boards/{board_id}/agenda/{slug}/assessments",
    response=AssessmentsOut,
    summary="Your assessment, and the panel's once yours is submitted",
)
def list_assessments(request, board_id: DatabaseId, slug: str):
    board = _board(board_id)
    require(request, "reviews.view_reviewboard", board)
    own, others = services.assessments_shown_to(_item(board, slug), request.user)
    return {"own": own, "others": others}


@router.put(
    "/review-boards/{board_id}/agenda/{slug}/assessment",
    response=AssessmentOut,
    summary="Save your ratings as a draft, or submit them (panel members only)",
)
def save_assessment(request, board_id: DatabaseId, slug: str, body: AssessmentIn):
    board = _board(board_id)
    require(request, "reviews.assess", board)
    ratings = {code: (r.rating, r.comment) for code, r in body.ratings.items()}
    assessment = services.save_assessment(
        _item(board, slug), by=request.user, ratings=ratings, submit=body.submit
    )
    return assessment


@router.post(
    "/review-boards/{board_id}/agenda/{slug}/outcome",
    response={201: DecisionOut},
    summary="Record the board's outcome for a service, or a correction of it",
)
def record_outcome(request, board_id: DatabaseId, slug: str, body: OutcomeIn):
    board = _board(board_id)
    require(request, "reviews.record_outcome", board)
    item = _item(board, slug)
    corrects = None
    if body.corrects is not None:
        corrects = Decision.objects.filter(pk=body.corrects, item=item).first()
        if corrects is None:
            raise Invalid({"corrects": ["No decision of this board on this service has it"]})
    owners = set(
        Person.objects.filter(pk__in=[c.owner for c in body.conditions]).values_list(
            "pk", flat=True
        )
    )
    conditions = [
        Condition(c.description, c.owner if c.owner in owners else None, c.due_on)
        for c in body.conditions
    ]
    decision = services.record_outcome(
        board,
        item.service,
        outcome=body.outcome,
        summary=body.summary,
        conditions=conditions,
        by=request.user,
        today=timezone.localdate(),
        corrects=corrects,
    )
    decision = _decisions().get(pk=decision.pk)
    # Just recorded: nothing corrects it yet.
    return Status(201, With(decision, in_force=True, today=timezone.localdate()))


@router.get(
    "/actions",
    response=list[ActionOut],
    summary="Actions: open ones by default, overdue first",
    openapi_extra={QUERY_FILTERS: query_parameters(ActionFilterSet)},
)
@paginated
def list_actions(request):
    require(request, "reviews.view_action")
    today = timezone.localdate()
    filters = action_list(request.GET, today=today)
    if not filters.is_valid():
        raise invalid(filters.form)
    return Shown(filters.qs, lambda rows: [With(a, today=today) for a in rows])


@router.get("/actions/{action_id}", response=ActionOut, summary="An action")
def get_action(request, action_id: DatabaseId):
    action = get_object_or_404(
        Action.objects.select_related("service__delivery_group", "owner"), pk=action_id
    )
    require(request, "reviews.view_action", action)
    return With(action, today=timezone.localdate())


@router.post("/actions/{action_id}/close", response=ActionOut, summary="Close an open action")
def close_action(request, action_id: DatabaseId, body: CloseIn):
    action = get_object_or_404(
        Action.objects.select_related("service__delivery_group", "owner"), pk=action_id
    )
    require(request, "reviews.close_action", action)
    services.close_action(action, by=request.user, note=body.note)
    return With(action, today=timezone.localdate())


def _rehearsals(service: Service):
    findings = Finding.objects.select_related("action").order_by("id")
    return (
        Rehearsal.objects.filter(service=service)
        .select_related("service")
        .prefetch_related(Prefetch("findings", queryset=findings))
    )


@router.get(
    "/services/{slug}/rehearsals",
    response=list[RehearsalOut],
    summary="A service's live service rehearsals, latest first",
)
@paginated
def list_rehearsals(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    require(request, "reviews.view_rehearsal", service)
    return _rehearsals(service)


@router.post(
    "/services/{slug}/rehearsals",
    response={201: RehearsalOut},
    summary="Record a rehearsal of an incident or a change",
)
def record_rehearsal(request, slug: str, body: RehearsalIn):
    service = get_object_or_404(Service, slug=slug)
    require(request, "reviews.add_rehearsal", service)
    data = body.dict() | {"participants": "\n".join(body.participants), "findings": ""}
    form = RehearsalForm(data, today=timezone.localdate())
    if not form.is_valid():
        raise invalid(form)
    rehearsal = services.record_rehearsal(
        service, form.cleaned_data, body.findings, by=request.user
    )
    return Status(201, _rehearsals(service).get(pk=rehearsal.pk))


@router.post(
    "/services/{slug}/rehearsals/{rehearsal_id}/findings/{finding_id}/action",
    response={201: ActionOut},
    summary="Make a rehearsal's finding an action with an owner and a due date",
)
def raise_finding_action(
    request, slug: str, rehearsal_id: DatabaseId, finding_id: DatabaseId, body: FindingActionIn
):
    service = get_object_or_404(Service, slug=slug)
    require(request, "reviews.raise_action", service)
    finding = get_object_or_404(
        Finding, pk=finding_id, rehearsal_id=rehearsal_id, rehearsal__service=service
    )
    owner = Person.objects.filter(pk=body.owner).first()
    if owner is None:
        raise Invalid({"owner": [f"No person with id {body.owner}"]})
    action = services.raise_finding_action(
        finding, owner=owner, due_on=body.due_on, by=request.user, today=timezone.localdate()
    )
    return Status(201, With(action, today=timezone.localdate()))
