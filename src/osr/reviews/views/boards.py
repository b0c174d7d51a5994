"""The boards list, a board's page, and scheduling a board, its panel and its agenda."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from osr.catalogue.models import DeliveryGroup, Service
from osr.catalogue.rules import is_admin
from osr.core.concurrency import edit_conflict, version_token
from osr.core.generic_views import page_number
from osr.core.refusals import Refusal, show_on
from osr.core.shortcuts import crumbs as core_crumbs
from osr.core.shortcuts import day, require

from .. import services
from ..choices import OUTCOME_COLOURS
from ..forms import AgendaForm, BoardForm, PanelMemberForm
from ..models import AgendaItem, Decision
from .common import (
    board_crumb,
    crumbs,
    form_page,
    get_board,
)

PAST_PAGE_SIZE = 25


@require_GET
def board_list(request):
    """Upcoming boards, past boards, and the services in beta that need one."""
    require(request, "reviews.view_reviewboard")
    today = timezone.localdate()
    past = Paginator(services.boards(when="past", today=today), PAST_PAGE_SIZE)
    context = {
        "title": "Review boards",
        "upcoming": list(services.boards(when="upcoming", today=today)),
        "past": past.get_page(page_number(request)),
        "needs": services.board_needs(Service.objects.order_by("name", "id"), today=today),
        "may_schedule": request.user.has_perm("reviews.add_reviewboard"),
        "day": day,
        "breadcrumbs": core_crumbs(),
    }
    return render(request, "reviews/boards.html", context)


@require_GET
def board_page(request, pk: int):
    board = get_board(pk)
    require(request, "reviews.view_reviewboard", board)
    in_force = Decision.objects.filter(corrected_by__isnull=True)
    agenda = (
        AgendaItem.objects.filter(board=board)
        .select_related("service__delivery_group")
        .annotate(submitted=Count("assessments", filter=Q(assessments__submitted_at__isnull=False)))
        .prefetch_related(Prefetch("decisions", queryset=in_force, to_attr="in_force"))
        .order_by("position", "id")
    )
    user = request.user
    today = timezone.localdate()
    to_come = not board.cancelled and not board.has_met(today)
    panel = list(board.panel.select_related("person"))
    context = {
        "title": str(board),
        "board": board,
        "panel": panel,
        "agenda": list(agenda),
        "changes": list(board.changes.select_related("made_by")),
        "notes_recorded": board.notes_recorded(panel),
        "may_change": user.has_perm("reviews.change_reviewboard", board) and not board.cancelled,
        "may_add_services": board.day >= today and not board.cancelled,
        "met": board.has_met(today) and not board.cancelled,
        "today": today,
        "may_reschedule": to_come and user.has_perm("reviews.reschedule_board", board),
        "may_cancel": to_come and user.has_perm("reviews.cancel_board", board),
        "may_record_notes": not board.cancelled
        and board.has_met(today)
        and user.has_perm("reviews.record_notes", board),
        "colours": OUTCOME_COLOURS,
        "breadcrumbs": crumbs(),
    }
    return render(request, "reviews/board.html", context)


@require_http_methods(["GET", "POST"])
def board_add(request):
    """Schedule a board: when, where, which group's, and who chairs it."""
    require(request, "reviews.add_reviewboard")
    groups = _group_choices(request.user)
    form = BoardForm(request.POST or None, groups=groups, initial=_board_initial(groups))
    if request.method == "POST" and form.is_valid():
        require(request, "reviews.add_reviewboard", form.cleaned_data["delivery_group"])
        board = services.schedule_board(form.cleaned_data, by=request.user)
        messages.success(request, f"{board} scheduled. Add its panel and its agenda.")
        return redirect(board.get_absolute_url())
    context = {
        "title": "Schedule a review board",
        "submit_text": "Schedule board",
        "cancel_url": "/review-boards",
        "breadcrumbs": crumbs(),
    }
    return form_page(request, "layouts/form.html", context, form)


@require_http_methods(["GET", "POST"])
def board_edit(request, pk: int):
    """Change where a board meets, for which group, or who chairs it (rescheduling moves it)."""
    board = get_board(pk)
    require(request, "reviews.change_reviewboard", board)
    if board.cancelled:
        messages.error(request, f"The board of {day(board.day)} is cancelled: it is kept as it was")
        return redirect(board.get_absolute_url())
    initial = {
        "delivery_group": board.delivery_group.slug,
        "place": board.place,
        "call_link": board.call_link,
        "chair": board.chair_id,
    }
    form = BoardForm(
        request.POST or None,
        groups=_group_choices(request.user),
        initial=initial,
        with_time=False,
    )
    changed = edit_conflict(request, form, initial)
    if request.method == "POST" and not changed and form.is_valid():
        require(request, "reviews.change_reviewboard", form.cleaned_data["delivery_group"])
        services.change_board(board, form.cleaned_data, by=request.user)
        messages.success(request, f"{board} saved")
        return redirect(board.get_absolute_url())
    context = {
        "title": f"Change the {str(board)[0].lower()}{str(board)[1:]}",
        "cancel_url": board.get_absolute_url(),
        "breadcrumbs": crumbs(board_crumb(board)),
        "version": version_token(initial),
        "changed": changed,
    }
    if changed:
        return render(request, "layouts/form.html", context | {"form": form}, status=409)
    return form_page(request, "layouts/form.html", context, form)


@require_http_methods(["GET", "POST"])
def panel_add(request, pk: int):
    """Put a function specialist on the board's panel."""
    board = get_board(pk)
    require(request, "reviews.change_reviewboard", board)
    form = PanelMemberForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_panel_member(
                board, form.cleaned_data["person"], form.cleaned_data["specialism"], by=request.user
            )
        except Refusal as refusal:
            show_on(form, refusal)
            status = refusal.status
        else:
            messages.success(request, f"{member} is on the panel")
            return redirect(board.get_absolute_url() + "#panel")
    context = {
        "title": "Add a panel member",
        "submit_text": "Add to the panel",
        "cancel_url": board.get_absolute_url(),
        "breadcrumbs": crumbs(board_crumb(board)),
    }
    return form_page(request, "layouts/form.html", context, form, status=status)


@require_http_methods(["GET", "POST"])
def agenda_add(request, pk: int):
    """Put a service on the agenda: its pack is assembled, its team and the panel told."""
    board = get_board(pk)
    require(request, "reviews.change_reviewboard", board)
    form = AgendaForm(request.POST or None, initial={"service": request.GET.get("service")})
    status = None
    if request.method == "POST" and form.is_valid():
        service = form.cleaned_data["service"]
        require(request, "reviews.add_agendaitem", service)
        try:
            item = services.add_to_agenda(
                board, service, by=request.user, today=timezone.localdate()
            )
        except Refusal as refusal:
            show_on(form, refusal)
            status = refusal.status
        else:
            messages.success(
                request, f"{service} is on the agenda; its team and the panel are told"
            )
            return redirect(item.get_absolute_url())
    context = {
        "title": f"Add a service to the agenda of the {str(board)[0].lower()}{str(board)[1:]}",
        "submit_text": "Add to the agenda",
        "cancel_url": board.get_absolute_url(),
        "breadcrumbs": crumbs(board_crumb(board)),
    }
    return form_page(request, "layouts/form.html", context, form, status=status)


@require_http_methods(["GET", "POST"])
def agenda_remove(request, pk: int, slug: str):
    board = get_board(pk)
    require(request, "reviews.change_reviewboard", board)
    service = get_object_or_404(Service, slug=slug)
    context = {
        "title": f"Take {service} off the agenda?",
        "warning": "Its board pack and the panel's assessments of it are removed.",
        "confirm_text": "Yes, take it off",
        "cancel_url": board.get_absolute_url(),
        "breadcrumbs": crumbs(board_crumb(board)),
    }
    if request.method == "POST":
        try:
            services.remove_from_agenda(board, service, by=request.user)
        except Refusal as refusal:
            status = refusal.status
            return render(
                request,
                "layouts/confirm.html",
                {**context, "error": refusal.message},
                status=status,
            )
        messages.success(request, f"{service} is off the agenda")
        return redirect(board.get_absolute_url())
    return render(request, "layouts/confirm.html", context)


def _group_choices(user):
    """The groups a user may schedule boards for: every group for an administrator."""
    if is_admin(user):
        return DeliveryGroup.objects.order_by("name")
    return DeliveryGroup.objects.filter(osr_manager__user=user).order_by("name")


def _board_initial(groups) -> dict:
    first = list(groups[:2])
    if len(first) == 1:
        group = first[0]
        return {"delivery_group": group.slug, "chair": group.osr_manager_id}
    return {}
