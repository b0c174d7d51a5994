"""The review board API's changes to a board: rescheduled or cancelled before it meets, and
its notes and attendance recorded or corrected after. Input is checked by the pages' forms."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router

from osr.core.refusals import Invalid, invalid
from osr.core.resources import DatabaseId
from osr.core.shortcuts import require

from . import services
from .api_schemas import BoardNotesIn, BoardOut, CancelIn, RescheduleIn
from .forms import RescheduleForm
from .models import ReviewBoard

router = Router(tags=["Review boards"])


def _board(board_id: int) -> ReviewBoard:
    return get_object_or_404(services.boards(when="any", today=timezone.localdate()), pk=board_id)


@router.post(
    "/review-boards/{board_id}/reschedule",
    response=BoardOut,
    summary="Move a board that has not met to a new time or place; its teams and panel are told",
    description="`place` and `call_link` stay as they are unless given. Sending what the "
    "board already holds changes nothing and tells no one.",
)
def reschedule_board(request, board_id: DatabaseId, body: RescheduleIn):
    board = _board(board_id)
    require(request, "reviews.reschedule_board", board)
    today = timezone.localdate()
    board.refuse_unless_to_come("rescheduled", today)
    starts = timezone.localtime(body.starts_at) if timezone.is_aware(body.starts_at) else None
    starts = starts or body.starts_at
    data = {
        "day": starts.date(),
        "time": starts.time(),
        "place": board.place if body.place is None else body.place,
        "call_link": board.call_link if body.call_link is None else body.call_link,
        "reason": body.reason,
    }
    form = RescheduleForm(data, board=board)
    if not form.is_valid():
        errors: dict[str, list[str]] = {}
        for name, messages in invalid(form).errors.items():
            errors.setdefault("starts_at" if name in ("day", "time") else name, []).extend(messages)
        raise Invalid(errors)
    cleaned = form.cleaned_data
    services.reschedule_board(
        board,
        starts_at=cleaned["starts_at"],
        place=cleaned.get("place", ""),
        call_link=cleaned.get("call_link", ""),
        reason=cleaned.get("reason", ""),
        by=request.user,
        today=today,
    )
    return _board(board_id)


@router.post(
    "/review-boards/{board_id}/cancel",
    response=BoardOut,
    summary="Cancel a board that has not met, with a reason; its teams and panel are told",
    description="The board keeps its record with the status `cancelled`; the services on "
    "its agenda may then go on another board. A cancelled board is refused with 409.",
)
def cancel_board(request, board_id: DatabaseId, body: CancelIn):
    board = _board(board_id)
    require(request, "reviews.cancel_board", board)
    services.cancel_board(board, reason=body.reason, by=request.user, today=timezone.localdate())
    return _board(board_id)


@router.put(
    "/review-boards/{board_id}/notes",
    response=BoardOut,
    summary="Record the notes and attendance of a board that has met, or correct them",
    description="Once recorded, a change is a correction and needs a `reason`, kept in the "
    "board's changes and the audit trail. Outcomes already recorded stay.",
)
def record_board_notes(request, board_id: DatabaseId, body: BoardNotesIn):
    board = _board(board_id)
    require(request, "reviews.record_notes", board)
    services.record_board_notes(
        board,
        notes=body.notes,
        attended=set(body.attended),
        reason=body.reason,
        by=request.user,
        today=timezone.localdate(),
    )
    return _board(board_id)
