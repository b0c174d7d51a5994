"""LV-3 and LV-5 are decided by the board's records through readiness's check interface,
and the portfolio flags services in beta that need a board."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Service
from osr.readiness.checks import MET, NOT_MET, registered_checks
from osr.readiness.facts import ServiceFacts
from osr.readiness.services import portfolio
from osr.reviews.board_rules import BoardRecord
from osr.reviews.models import Decision
from osr.reviews.readiness_checks import (
    BOARD_PASSED,
    REHEARSALS,
    board_flag,
    decide_board_passed,
    decide_rehearsals,
)

from ..factories import ServiceFactory
from .factories import AgendaItemFactory, RehearsalFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def facts(phase="private_beta", **extra) -> ServiceFacts:
    return ServiceFacts(slug="waste", name="Waste", phase=phase, phase_since=TODAY, extra=extra)


def test_the_review_board_provides_the_checks_readiness_declares():
    found = registered_checks()
    assert not found[BOARD_PASSED].pending and found[BOARD_PASSED].load is not None
    assert not found[REHEARSALS].pending and found[REHEARSALS].load is not None


def test_decide_is_pure_over_the_loaded_records():
    green = BoardRecord(decisions=((TODAY, "green", TODAY),))
    assert decide_board_passed(facts(**{BOARD_PASSED: green}), [], TODAY).decided == MET
    red = BoardRecord(decisions=((TODAY, "red", TODAY),))
    assert decide_board_passed(facts(**{BOARD_PASSED: red}), [], TODAY).decided == NOT_MET
    assert decide_board_passed(facts(), [], TODAY).decided == NOT_MET

    held = [("incident", TODAY), ("change", TODAY - dt.timedelta(days=5))]
    assert decide_rehearsals(facts(**{REHEARSALS: held}), [], TODAY).decided == MET
    assert decide_rehearsals(facts(), [], TODAY).decided == NOT_MET


def test_the_portfolio_flag_is_pure_too():
    assert board_flag(facts("public_beta"), TODAY).text == (
        "In public beta with no review board scheduled"
    )
    scheduled = BoardRecord(scheduled=(TODAY,))
    assert board_flag(facts("public_beta", **{BOARD_PASSED: scheduled}), TODAY) is None
    assert board_flag(facts("alpha"), TODAY) is None


def add_services(group, count, today):
    for n in range(count):
        service = ServiceFactory(delivery_group=group, phase="private_beta")
        item = AgendaItemFactory(board=ReviewBoardFactory(delivery_group=group), service=service)
        item.decided = True
        item.save()
        Decision.objects.create(item=item, outcome="green" if n % 2 else "red", summary="x")
        RehearsalFactory(service=service, kind="incident", held_on=today - dt.timedelta(days=3))
        RehearsalFactory(service=service, kind="change", held_on=today - dt.timedelta(days=3))


def evaluated(today):
    with CaptureQueriesContext(connection) as captured:
        rows = portfolio(Service.objects.order_by("id"), today=today)
    return len(captured), rows


def test_a_portfolio_loads_the_records_in_a_fixed_number_of_queries(users, today):
    add_services(users.own, 3, today)
    few, rows = evaluated(today)
    statuses = [(e.requirement("LV-5").status, e.requirement("LV-3").status) for _i, e in rows]
    assert statuses == [("not_started", "met"), ("met", "met"), ("not_started", "met")]
    add_services(users.own, 27, today)
    many, rows = evaluated(today)
    assert many == few and len(rows) == 30


def test_the_portfolio_page_flags_public_beta_without_a_board(page, users):
    ServiceFactory(name="Flood alerts", delivery_group=users.own, phase="public_beta")
    scheduled = ServiceFactory(name="Fish exports", delivery_group=users.own, phase="public_beta")
    AgendaItemFactory(board=ReviewBoardFactory(delivery_group=users.own), service=scheduled)
    body = page("viewer").get("/readiness").content.decode()
    assert body.count("In public beta with no review board scheduled") == 1
    row = body[body.index("Flood alerts") : body.index("Flood alerts") + 600]
    assert "In public beta with no review board scheduled" in row
