"""What happens to a board once scheduled: it is rescheduled or cancelled before it meets,
and its notes and panel attendance are recorded, or corrected, once it has met.

Each change is one transaction on the board's row, locked, kept as a
``BoardChange`` with the reason given; the audit trail's entries for the fields
it changed carry the same reason. The caller's copy of the board is stale after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from osr.core.refusals import Invalid

from ..choices import BoardChangeKind, BoardStatus

if TYPE_CHECKING:
    from .boards import ReviewBoard


class BoardChange(models.Model):
    """A board rescheduled, cancelled, or its notes and attendance recorded or corrected: why,
    by whom and when, with what it was before and after in words."""

    board = models.ForeignKey(
        "reviews.ReviewBoard", on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(max_length=20, choices=BoardChangeKind.choices)
    reason = models.TextField(blank=True)
    was = models.CharField(max_length=500, blank=True)
    now = models.CharField(max_length=500, blank=True)
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.board}"

    @property
    def owning_group_id(self) -> int:
        return self.board.delivery_group_id


def reschedule(
    board: ReviewBoard,
    *,
    starts_at: dt.datetime,
    place: str,
    call_link: str,
    reason: str,
    by,
    today: dt.date,
) -> BoardChange | None:
    """Move a board that has not met to a new date, time or place, saying why.

    The teams of the services on its agenda and its panel are told. Nothing
    is written, and no one told, when nothing changes.
    """
    from ..notices import board_rescheduled

    with transaction.atomic():
        board = _locked(board)
        board.refuse_unless_to_come("rescheduled", today)
        place, call_link = place.strip(), call_link.strip()
        if (board.starts_at, board.place, board.call_link) == (starts_at, place, call_link):
            return None
        errors: dict[str, list[str]] = {}
        if starts_at != board.starts_at and starts_at <= timezone.now():
            errors["starts_at"] = ["A board cannot be moved into the past"]
        if not place and not call_link:
            errors["place"] = ["Enter a place or a call link"]
        if not reason.strip():
            errors["reason"] = ["Enter why the board is rescheduled"]
        if errors:
            raise Invalid(errors)
        was = board.when_and_where()
        board.starts_at, board.place, board.call_link = starts_at, place, call_link
        board._change_reason = reason.strip()
        board.save(update_fields=["starts_at", "place", "call_link", "updated"])
        change = BoardChange.objects.create(
            board=board,
            kind=BoardChangeKind.RESCHEDULED,
            reason=reason.strip(),
            was=was,
            now=board.when_and_where(),
            made_by=_user(by),
        )
        board_rescheduled(board, change)
    return change


def cancel(board: ReviewBoard, *, reason: str, by, today: dt.date) -> BoardChange:
    """Cancel a board that has not met, saying why; it keeps its record.

    The services on its agenda no longer wait for it, so each may go on
    another board; their teams and the panel are told.
    """
    from ..notices import board_cancelled

    with transaction.atomic():
        board = _locked(board)
        board.refuse_unless_to_come("cancelled", today)
        if not reason.strip():
            raise Invalid({"reason": ["Enter why the board is cancelled"]})
        board.status = BoardStatus.CANCELLED
        board._change_reason = reason.strip()
        board.save(update_fields=["status", "updated"])
        for item in board.agenda.filter(decided=False, withdrawn=False):
            item.withdrawn = True
            item.save(update_fields=["withdrawn", "updated"])
        change = BoardChange.objects.create(
            board=board,
            kind=BoardChangeKind.CANCELLED,
            reason=reason.strip(),
            was=board.when_and_where(),
            made_by=_user(by),
        )
        board_cancelled(board, change)
    return change


def record_notes(
    board: ReviewBoard,
    *,
    notes: str,
    attended: Collection[int],
    reason: str,
    by,
    today: dt.date,
) -> BoardChange | None:
    """Record the notes and panel attendance (people's ids) of a board that has met.

    Once recorded, a change is a correction, which says why. Outcomes the
    board recorded stay as they are. Nothing is written when nothing changes.
    """
    with transaction.atomic():
        board = _locked(board)
        board.refuse_unless_met(today)
        panel = list(board.panel.select_for_update().select_related("person"))
        unknown = set(attended) - {m.person_id for m in panel}
        if unknown:
            raise Invalid({"attended": ["Choose people on the board's panel"]})
        notes = notes.strip()
        correcting = board.notes_recorded(panel)
        if not correcting and not notes and not attended:
            return None
        moved = [m for m in panel if m.attended != (m.person_id in attended)]
        if notes == board.notes and not moved:
            return None
        if correcting and not reason.strip():
            raise Invalid({"reason": ["Enter the reason for the correction"]})
        what = []
        if notes != board.notes:
            what.append("notes")
            board.notes = notes
            board._change_reason = reason.strip()
            board.save(update_fields=["notes", "updated"])
        if moved:
            what.append("attendance")
        for member in moved:
            member.attended = member.person_id in attended
            member._change_reason = reason.strip()
            member.save(update_fields=["attended"])
        present = [m.person.name for m in panel if m.attended]
        change = BoardChange.objects.create(
            board=board,
            kind=BoardChangeKind.NOTES_CORRECTED if correcting else BoardChangeKind.NOTES_RECORDED,
            reason=reason.strip(),
            now=f"{' and '.join(what).capitalize()}; attended: {', '.join(present) or 'none'}",
            made_by=_user(by),
        )
    return change


def _locked(board: ReviewBoard) -> ReviewBoard:
    return type(board).objects.select_for_update().get(pk=board.pk)


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
