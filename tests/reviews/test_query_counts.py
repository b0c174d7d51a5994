"""The boards and actions lists load in a fixed number of queries, whatever their length."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.reviews.models import Decision

from ..factories import PersonFactory, ServiceFactory
from .factories import ActionFactory, AgendaItemFactory, PanelMemberFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db


def add_boards(group, count, start=0):
    for n in range(start, start + count):
        days = n + 1 if n % 2 else -(n + 1)
        board = ReviewBoardFactory(
            delivery_group=group, starts_at=timezone.now() + dt.timedelta(days=days)
        )
        PanelMemberFactory(board=board, person=PersonFactory())
        for phase in ["private_beta", "public_beta"]:
            item = AgendaItemFactory(
                board=board, service=ServiceFactory(delivery_group=group, phase=phase)
            )
        if days < 0:
            item.decided = True
            item.save()
            Decision.objects.create(item=item, outcome="green", summary="Good")


def add_actions(group, count, today):
    for n in range(count):
        ActionFactory(
            service=ServiceFactory(delivery_group=group),
            due_on=today + dt.timedelta(days=n - count // 2),
        )


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_boards_list_page_and_api_queries_do_not_grow(page, api, users):
    client, token = page("viewer"), api("viewer")
    client.get("/")  # the session's first request writes it; lists are measured after
    add_boards(users.own, 3)
    few = [
        queries(lambda: client.get("/review-boards")),
        queries(lambda: token.get("/api/v1/review-boards")),
        queries(lambda: token.get("/api/v1/review-boards", when="past")),
    ]
    add_boards(users.own, 27, start=3)
    many = [
        queries(lambda: client.get("/review-boards")),
        queries(lambda: token.get("/api/v1/review-boards")),
        queries(lambda: token.get("/api/v1/review-boards", when="past")),
    ]
    assert many == few
    assert token.get("/api/v1/review-boards", when="past").json()["count"] == 15


def test_actions_list_page_and_api_queries_do_not_grow(page, api, users, today):
    client, token = page("viewer"), api("viewer")
    client.get("/")
    add_actions(users.own, 3, today)
    few = [queries(lambda: client.get("/actions")), queries(lambda: token.get("/api/v1/actions"))]
    add_actions(users.own, 27, today)
    many = [queries(lambda: client.get("/actions")), queries(lambda: token.get("/api/v1/actions"))]
    assert many == few
    assert token.get("/api/v1/actions").json()["count"] == 30
