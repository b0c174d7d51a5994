"""Review boards and actions on the home page: the team's next board and open actions,
the OSR manager's boards to come and overdue actions."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from osr.catalogue.home import SHOWN, list_address, person_of, services_of
from osr.catalogue.rules import managed_group_ids
from osr.core.home import HomeSection, register_home_section
from osr.core.roles import DELIVERY, OSR_MANAGER

from .choices import ActionStatus, BoardStatus
from .models import Action, AgendaItem, ReviewBoard

BOARDS_SHOWN = 5


def _start_of(today: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def _to_come(today: dt.date):
    return ReviewBoard.objects.filter(
        status=BoardStatus.SCHEDULED, starts_at__gte=_start_of(today)
    ).order_by("starts_at", "id")


def next_board(request) -> dict:
    """The next board that has one of the person's services on its agenda, and which ones."""
    today = timezone.localdate()
    mine = services_of(person_of(request.user))
    waiting = AgendaItem.objects.filter(service__in=mine, withdrawn=False).select_related("service")
    boards = _to_come(today).filter(agenda__in=waiting).distinct()
    board = (
        boards.select_related("delivery_group")
        .prefetch_related(Prefetch("agenda", queryset=waiting, to_attr="yours"))
        .first()
    )
    return {
        "board": board,
        "later": boards.count() - 1 if board else 0,
        "all_url": reverse("reviews:boards"),
    }


def _open_actions():
    return Action.objects.filter(status=ActionStatus.OPEN).select_related("service", "owner")


def your_actions(request) -> dict:
    """The open actions the person owns, soonest due first."""
    person = person_of(request.user)
    actions = _open_actions().filter(owner=person) if person else Action.objects.none()
    query = urlencode({"owner": person.pk}) if person else ""
    return {
        "rows": list(actions.order_by("due_on", "id")[:SHOWN]),
        "total": actions.count(),
        "today": timezone.localdate(),
        "all_url": f"{reverse('reviews:actions')}?{query}",
    }


def boards_coming_up(request) -> dict:
    """The boards to come in the OSR manager's groups, soonest first, with their agenda's size."""
    groups = managed_group_ids(request.user, OSR_MANAGER)
    boards = _to_come(timezone.localdate()).filter(delivery_group_id__in=groups)
    rows = list(
        boards.select_related("delivery_group", "chair").annotate(
            services=Count("agenda", filter=Q(agenda__withdrawn=False))
        )[:BOARDS_SHOWN]
    )
    return {
        "groups": len(groups),
        "rows": rows,
        "total": boards.count(),
        "all_url": reverse("reviews:boards"),
    }


def overdue_actions(request) -> dict:
    """Open actions past their due date in the OSR manager's groups, longest overdue first."""
    groups = managed_group_ids(request.user, OSR_MANAGER)
    today = timezone.localdate()
    actions = _open_actions().filter(service__delivery_group_id__in=groups, due_on__lt=today)
    return {
        "groups": len(groups),
        "rows": list(actions.order_by("due_on", "id")[:SHOWN]),
        "total": actions.count(),
        "today": today,
        # The actions list shows a group's overdue actions first.
        "all_url": list_address("reviews:actions", groups),
    }


def register() -> None:
    for name, section in {
        "reviews-next-board": HomeSection(30, DELIVERY, "reviews/home/next_board.html", next_board),
        "reviews-your-actions": HomeSection(
            40, DELIVERY, "reviews/home/your_actions.html", your_actions
        ),
        "reviews-boards-coming-up": HomeSection(
            20, OSR_MANAGER, "reviews/home/boards_coming_up.html", boards_coming_up
        ),
        "reviews-overdue-actions": HomeSection(
            30, OSR_MANAGER, "reviews/home/overdue_actions.html", overdue_actions
        ),
    }.items():
        register_home_section(name, section)
