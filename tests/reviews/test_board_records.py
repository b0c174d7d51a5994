"""What LV-5 and the board flag read: the decisions in force and the boards still to come."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.reviews.board_rules import BoardRecord
from osr.reviews.models import Decision
from osr.reviews.readiness_checks import load_board_records

from ..factories import ServiceFactory
from .factories import AgendaItemFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db


def board_on(day: dt.date, **item):
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return AgendaItemFactory(board=ReviewBoardFactory(starts_at=starts_at), **item)


def decide(item, outcome, corrects=None):
    decision = Decision.objects.create(item=item, outcome=outcome, summary="x", corrects=corrects)
    item.decided = True
    item.save()
    return decision


def test_a_correction_replaces_the_decision_it_corrects_and_withdrawn_boards_are_not_awaited():
    service, quiet = ServiceFactory(), ServiceFactory()
    today = timezone.localdate()
    met = board_on(today - dt.timedelta(days=20), service=service)
    red = decide(met, "red")
    decide(met, "amber", corrects=red)
    waiting = board_on(today + dt.timedelta(days=5), service=service)
    board_on(today + dt.timedelta(days=9), service=service, withdrawn=True)
    board_on(today + dt.timedelta(days=3), service=quiet, withdrawn=True)

    with CaptureQueriesContext(connection) as captured:
        records = load_board_records([service.pk, quiet.pk])
    assert len(captured) == 1
    decided_on = timezone.localdate()
    assert records == {
        service.pk: BoardRecord(
            decisions=((decided_on, "amber", met.board.starts_at.date()),),
            scheduled=(waiting.board.starts_at.date(),),
        )
    }


def test_an_undecided_item_with_a_correction_still_counts_each_decision_once():
    service = ServiceFactory()
    item = board_on(timezone.localdate() - dt.timedelta(days=2), service=service)
    first = Decision.objects.create(item=item, outcome="red", summary="x")
    Decision.objects.create(item=item, outcome="green", summary="x", corrects=first)
    Decision.objects.create(item=item, outcome="amber", summary="x")
    record = load_board_records([service.pk])[service.pk]
    assert sorted(outcome for _day, outcome, _board in record.decisions) == ["amber", "green"]
    # Not marked decided: still a board the service waits for, once however many decisions.
    assert record.scheduled == (item.board.starts_at.date(),)
