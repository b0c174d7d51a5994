"""What every review board page shares: permission checks, lookups, breadcrumbs, refusals."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from osr.core.shortcuts import crumbs as core_crumbs
from osr.core.shortcuts import day

from ..models import AgendaItem, ReviewBoard
from ..pack import on  # noqa: F401  (re-exported for the pages)


def get_board(pk: int) -> ReviewBoard:
    return get_object_or_404(
        ReviewBoard.objects.select_related("chair", "delivery_group").prefetch_related("panel"),
        pk=pk,
    )


def get_item(board: ReviewBoard, slug: str) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related("service__delivery_group"),
        board=board,
        service__slug=slug,
    )
    item.board = board
    return item


def crumbs(*more: dict) -> list[dict]:
    """Breadcrumbs of a review board page: Home, Review boards, then ``more``."""
    return core_crumbs(("Review boards", "/review-boards"), *more)


def board_crumb(board: ReviewBoard) -> dict:
    return {"text": f"Board on {day(board.day)}", "href": board.get_absolute_url()}


def form_page(request, template: str, context: dict, form, *, status: int | None = None):
    """A form page: 422 when the form shows errors, or the refusal's own status."""
    if status is None:
        status = 422 if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)
