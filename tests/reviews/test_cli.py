"""``osr boards list`` and ``osr actions overdue``."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ..factories import ServiceFactory
from .factories import ActionFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_boards_list_shows_upcoming_boards_and_their_agenda(users, held):
    upcoming = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="Nobel House",
    )
    out = run("boards", "list")
    assert f"{upcoming.pk:>5}" in out and "Nobel House" in out and "Osr Manager" in out
    assert "Waste permits" not in out
    past = run("boards", "list", "--past")
    assert "- Waste permits (waste): not decided" in past


def test_boards_list_prints_json_as_the_api_does(users, held):
    rows = json.loads(run("boards", "list", "--past", "--json"))
    assert rows[0]["id"] == held.board.pk
    assert rows[0]["agenda"][0]["service"] == "waste"


def test_boards_list_says_when_there_are_none(db):
    assert run("boards", "list").strip() == "No upcoming review boards."


def test_actions_overdue_lists_only_overdue_open_actions(users, today):
    service = ServiceFactory(name="Waste permits", delivery_group=users.own)
    late = ActionFactory(
        service=service, description="Add alerting", due_on=today - dt.timedelta(days=3)
    )
    ActionFactory(service=service, description="Not yet", due_on=today + dt.timedelta(days=3))
    out = run("actions", "overdue")
    assert "Add alerting" in out and "3 days overdue" in out and "Not yet" not in out
    rows = json.loads(run("actions", "overdue", "--json"))
    assert [r["id"] for r in rows] == [late.pk] and rows[0]["overdue"] is True
    assert run("actions", "overdue", "--group", users.other.slug).strip() == "No overdue actions."


def test_actions_overdue_refuses_an_unknown_group(db):
    with pytest.raises(CommandError, match="--group 'nowhere'"):
        run("actions", "overdue", "--group", "nowhere")
