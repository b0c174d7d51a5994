"""Rescheduling and cancelling a board before it meets, and its notes and attendance after."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from osr.core.concurrency import edit_conflict, version_token
from osr.core.refusals import Refusal, show_on
from osr.core.shortcuts import day, require

from .. import services
from ..forms import BoardNotesForm, CancelBoardForm, RescheduleForm
from .common import board_crumb, crumbs, form_page, get_board


def _refused_now(request, board, refusal_of) -> HttpResponse | None:
    """Back to the board, saying why, when what the page offers can no longer be done."""
    try:
        refusal_of()
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect(board.get_absolute_url())
    return None


def _of_the(board) -> str:
    return f"the review board on {day(board.day)}"


@require_http_methods(["GET", "POST"])
def board_reschedule(request, pk: int):
    """A new date, time or place for a board that has not met, and why; people are told."""
    board = get_board(pk)
    require(request, "reviews.reschedule_board", board)
    today = timezone.localdate()
    refused = _refused_now(
        request, board, lambda: board.refuse_unless_to_come("rescheduled", today)
    )
    if refused:
        return refused
    initial = {
        "day": board.day,
        "time": timezone.localtime(board.starts_at).time().replace(second=0, microsecond=0),
        "place": board.place,
        "call_link": board.call_link,
    }
    form = RescheduleForm(request.POST or None, board=board, initial=initial)
    changed = edit_conflict(request, form, initial)
    status = 409 if changed else None
    if request.method == "POST" and not changed and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.reschedule_board(
                board,
                starts_at=data["starts_at"],
                place=data.get("place", ""),
                call_link=data.get("call_link", ""),
                reason=data.get("reason", ""),
                by=request.user,
                today=today,
            )
        except Refusal as refusal:
            show_on(form, refusal)
            status = refusal.status
        else:
            if change is None:
                messages.success(request, "Nothing changed: the board is where and when it was")
            else:
                messages.success(
                    request, f"Board rescheduled to {change.now}; the teams and panel are told"
                )
            return redirect(board.get_absolute_url())
    context = {
        "title": f"Reschedule {_of_the(board)}",
        "submit_text": "Reschedule board",
        "cancel_url": board.get_absolute_url(),
        "breadcrumbs": crumbs(board_crumb(board)),
        "version": version_token(initial),
        "changed": changed,
    }
    return form_page(request, "layouts/form.html", context, form, status=status)


@require_http_methods(["GET", "POST"])
def board_cancel(request, pk: int):
    """Cancel a board that has not met, with a reason, once the person confirms it."""
    board = get_board(pk)
    require(request, "reviews.cancel_board", board)
    today = timezone.localdate()
    refused = _refused_now(request, board, lambda: board.refuse_unless_to_come("cancelled", today))
    if refused:
        return refused
    form = CancelBoardForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_board(
                board, reason=form.cleaned_data["reason"], by=request.user, today=today
            )
        except Refusal as refusal:
            show_on(form, refusal)
            status = refusal.status
        else:
            messages.success(
                request,
                f"The board of {day(board.day)} is cancelled; the teams and panel are told, "
                "and its services may go on another board",
            )
            return redirect(board.get_absolute_url())
    context = {
        "title": f"Cancel {_of_the(board)}?",
        "warning": "The board keeps its record, marked cancelled. The team of each service on "
        "its agenda and the panel are told, and the services may go on another board.",
        "confirm_text": "Yes, cancel the board",
        "cancel_url": board.get_absolute_url(),
        "breadcrumbs": crumbs(board_crumb(board)),
    }
    return form_page(request, "layouts/confirm.html", context, form, status=status)


@require_http_methods(["GET", "POST"])
def board_notes(request, pk: int):
    """Record the notes and attendance of a board that has met, or correct them with a reason."""
    board = get_board(pk)
    require(request, "reviews.record_notes", board)
    today = timezone.localdate()
    refused = _refused_now(request, board, lambda: board.refuse_unless_met(today))
    if refused:
        return refused
    panel = list(board.panel.select_related("person"))
    recorded = board.notes_recorded(panel)
    initial = {
        "notes": board.notes,
        "attended": sorted(m.person_id for m in panel if m.attended),
    }
    form = BoardNotesForm(request.POST or None, panel=panel, recorded=recorded, initial=initial)
    changed = edit_conflict(request, form, initial)
    status = 409 if changed else None
    if request.method == "POST" and not changed and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.record_board_notes(
                board,
                notes=data["notes"],
                attended=set(data["attended"]),
                reason=data.get("reason", ""),
                by=request.user,
                today=today,
            )
        except Refusal as refusal:
            show_on(form, refusal)
            status = refusal.status
        else:
            messages.success(
                request,
                "Nothing changed" if change is None else f"{change.get_kind_display()}",
            )
            return redirect(board.get_absolute_url() + "#notes")
    verb = "Correct" if recorded else "Record"
    context = {
        "title": f"{verb} the notes and attendance of {_of_the(board)}",
        "submit_text": "Save correction" if recorded else "Save notes",
        "cancel_url": board.get_absolute_url(),
        "breadcrumbs": crumbs(board_crumb(board)),
        "version": version_token(initial),
        "changed": changed,
    }
    return form_page(request, "layouts/form.html", context, form, status=status)
