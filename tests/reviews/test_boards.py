"""Scheduling a board, its panel and its agenda; the team and the panel are told."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from osr.core.audit import acting_as
from osr.core.refusals import Refusal
from osr.reviews import services
from osr.reviews.forms import BoardForm
from osr.reviews.models import AgendaItem, PanelMember, ReviewBoard

from ..factories import PersonFactory, ServiceFactory, TeamFactory
from .factories import AgendaItemFactory, PanelMemberFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db


def board_data(users, **changes):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return {
        "delivery_group": users.own.slug,
        "day": tomorrow.isoformat(),
        "time": "14:00",
        "place": "Seacole Building",
        "call_link": "",
        "chair": users.osr_manager.person.pk,
    } | changes


def test_a_board_is_scheduled_for_a_time_to_come(users):
    form = BoardForm(board_data(users))
    assert form.is_valid(), form.errors
    board = services.schedule_board(form.cleaned_data, by=users.osr_manager)
    assert board.chair == users.osr_manager.person
    assert timezone.localtime(board.starts_at).hour == 14
    assert board.scheduled_by == users.osr_manager


def test_a_board_cannot_be_scheduled_in_the_past(users):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    form = BoardForm(board_data(users, day=yesterday.isoformat()))
    assert not form.is_valid()
    assert form.errors["day"] == ["A board cannot be scheduled in the past"]


def test_a_board_needs_a_place_or_a_call_link(users):
    form = BoardForm(board_data(users, place=""))
    assert form.errors["place"] == ["Enter a place or a call link"]
    form = BoardForm(board_data(users, place="", call_link="https://teams.example/board"))
    assert form.is_valid(), form.errors


def test_the_chair_is_an_osr_manager(users):
    form = BoardForm(board_data(users, chair=users.delivery.person.pk))
    assert form.errors["chair"] == ["Choose an OSR manager to chair the board"]


@override_settings(OSR_REVIEW_SPECIALISMS=["Security", "Service desk"])
def test_panel_members_have_a_configured_specialism_and_sit_once(users):
    board = ReviewBoardFactory(delivery_group=users.own)
    person = PersonFactory()
    member = services.add_panel_member(board, person, "Service desk", by=users.osr_manager)
    assert member.specialism == "Service desk"
    with pytest.raises(Refusal, match="Choose one of the configured specialisms"):
        services.add_panel_member(board, PersonFactory(), "Architecture", by=users.osr_manager)
    with pytest.raises(Refusal, match="already on the panel") as refused:
        services.add_panel_member(board, person, "Security", by=users.osr_manager)
    assert refused.value.status == 409
    assert PanelMember.objects.filter(board=board).count() == 1


def test_the_default_specialisms_are_the_issue_list(settings):
    from osr.reviews.choices import specialisms

    assert specialisms() == [
        "Security",
        "Service management",
        "Infrastructure and hosting",
        "Architecture",
        "Service desk",
        "Data protection",
        "Business continuity",
    ]


def upcoming_board(users):
    return ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=timezone.now() + dt.timedelta(days=7),
        call_link="https://teams.example/board",
    )


def test_adding_a_service_tells_its_team_and_the_panel(
    users, today, django_capture_on_commit_callbacks
):
    board = upcoming_board(users)
    PanelMemberFactory(board=board, person=PersonFactory(email="sec@defra.example"))
    PanelMemberFactory(board=board, person=PersonFactory(email="arch@defra.example"))
    team = TeamFactory(delivery_group=users.own, contact_email="team@defra.example")
    service = ServiceFactory(name="Waste permits", delivery_group=users.own, delivery_team=team)

    with django_capture_on_commit_callbacks(execute=True):
        item = services.add_to_agenda(board, service, by=users.osr_manager, today=today)

    team_mail, panel_mail = mail.outbox
    assert team_mail.to == ["team@defra.example"]
    assert "Waste permits is on the agenda of the review board" in team_mail.subject
    assert item.get_absolute_url() in team_mail.body
    assert sorted(panel_mail.to) == sorted(
        ["sec@defra.example", "arch@defra.example", users.osr_manager.person.email]
    )
    assert "record your assessment" in panel_mail.body


def test_the_pack_is_assembled_when_the_service_is_added(users, today):
    board = upcoming_board(users)
    service = ServiceFactory(name="Waste permits", delivery_group=users.own, phase="private_beta")
    item = services.add_to_agenda(board, service, by=users.osr_manager, today=today)
    item.refresh_from_db()
    assert item.pack["service"]["name"] == "Waste permits"
    assert item.pack_assembled_at is not None
    assert {b["id"] for b in item.pack["readiness"]["blockers"]} >= {"LV-5"}


def test_a_service_cannot_be_on_two_open_boards(users, today):
    first, second = upcoming_board(users), upcoming_board(users)
    service = ServiceFactory(delivery_group=users.own)
    services.add_to_agenda(first, service, by=users.osr_manager, today=today)
    with pytest.raises(Refusal, match="already on the agenda of the open board") as refused:
        services.add_to_agenda(second, service, by=users.osr_manager, today=today)
    assert refused.value.status == 409
    assert AgendaItem.objects.filter(service=service).count() == 1


def test_a_service_joins_another_board_once_its_outcome_is_recorded(users, today, held):
    services.record_outcome(
        held.board,
        held.service,
        outcome="red",
        summary="Not yet",
        conditions=[],
        by=users.osr_manager,
        today=today,
    )
    item = services.add_to_agenda(
        upcoming_board(users), held.service, by=users.osr_manager, today=today
    )
    assert item.pk


def test_the_same_service_is_on_a_board_once(users, today):
    board = upcoming_board(users)
    service = ServiceFactory(delivery_group=users.own)
    services.add_to_agenda(board, service, by=users.osr_manager, today=today)
    with pytest.raises(Refusal, match="already on this board's agenda"):
        services.add_to_agenda(board, service, by=users.osr_manager, today=today)


def test_a_board_that_has_met_takes_no_more_services(users, today, held):
    with pytest.raises(Refusal, match="has met"):
        services.add_to_agenda(
            held.board, ServiceFactory(delivery_group=users.own), by=users.osr_manager, today=today
        )


def test_a_service_comes_off_the_agenda_only_before_its_outcome(users, today, held):
    other = AgendaItemFactory(board=held.board, service=ServiceFactory(delivery_group=users.own))
    services.remove_from_agenda(held.board, other.service, by=users.osr_manager)
    assert not AgendaItem.objects.filter(pk=other.pk).exists()
    services.record_outcome(
        held.board,
        held.service,
        outcome="green",
        summary="Good",
        conditions=[],
        by=users.osr_manager,
        today=today,
    )
    with pytest.raises(Refusal, match="stays on the agenda"):
        services.remove_from_agenda(held.board, held.service, by=users.osr_manager)


def test_scheduling_is_audited(users):
    from auditlog.models import LogEntry

    form = BoardForm(board_data(users))
    assert form.is_valid()
    with acting_as(users.osr_manager):  # as the request or command would
        board = services.schedule_board(form.cleaned_data, by=users.osr_manager)
    entry = LogEntry.objects.get_for_object(board).get()
    assert entry.actor == users.osr_manager
    assert ReviewBoard.objects.count() == 1
