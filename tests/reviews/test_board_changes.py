"""Rescheduling and cancelling a board before it meets, and its notes and attendance after."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from osr.core.audit import acting_as
from osr.core.refusals import Refusal
from osr.reviews import services
from osr.reviews.forms import RescheduleForm
from osr.reviews.models import AgendaItem, BoardChange, ReviewBoard

from ..factories import PersonFactory, ServiceFactory, TeamFactory
from .factories import AgendaItemFactory, PanelMemberFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming(users):
    """A board next week with a panel member and a service of ``own`` on its agenda."""
    board = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=(timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0),
        place="Seacole Building",
    )
    PanelMemberFactory(board=board, person=PersonFactory(email="sec@defra.example"))
    team = TeamFactory(delivery_group=users.own, contact_email="flood-team@defra.example")
    service = ServiceFactory(
        name="Flood alerts", delivery_group=users.own, delivery_team=team, phase="private_beta"
    )
    AgendaItemFactory(board=board, service=service)
    return board


def next_month(hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=30)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def reschedule(board, users, **changes):
    args = {
        "starts_at": next_month(),
        "place": board.place,
        "call_link": board.call_link,
        "reason": "The chair is on leave",
        "by": users.osr_manager,
        "today": timezone.localdate(),
    } | changes
    return services.reschedule_board(board, **args)


def test_rescheduling_tells_the_team_and_panel_the_old_and_new_date_and_why(users, coming, told):
    was = coming.when_and_where()
    change = reschedule(coming, users)
    coming.refresh_from_db()
    assert coming.starts_at == next_month()
    assert (change.kind, change.was, change.reason) == ("rescheduled", was, "The chair is on leave")
    team_mail, panel_mail = told
    assert team_mail[0] == ["flood-team@defra.example"]
    assert "Flood alerts" in team_mail[1] and "rescheduled" in team_mail[1]
    assert sorted(panel_mail[0]) == sorted(["sec@defra.example", users.osr_manager.person.email])
    for _to, _subject, body in told:
        assert f"Was: {was}" in body and f"Now: {coming.when_and_where()}" in body
        assert "Why: The chair is on leave" in body


def test_rescheduling_into_the_past_is_refused_on_the_date(users, coming):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    form = RescheduleForm(
        {
            "day": yesterday.isoformat(),
            "time": "10:00",
            "place": "Seacole Building",
            "reason": "Earlier is better",
        },
        board=coming,
    )
    assert not form.is_valid()
    assert form.errors["day"] == ["The new date and time must be in the future"]
    with pytest.raises(Refusal) as refused:
        reschedule(coming, users, starts_at=timezone.now() - dt.timedelta(hours=2))
    assert refused.value.errors == {"starts_at": ["A board cannot be moved into the past"]}


def test_rescheduling_needs_a_reason_and_writes_nothing_without_one(users, coming, told):
    with pytest.raises(Refusal) as refused:
        reschedule(coming, users, reason="  ")
    assert refused.value.errors == {"reason": ["Enter why the board is rescheduled"]}
    assert ReviewBoard.objects.get(pk=coming.pk).starts_at == coming.starts_at
    assert not BoardChange.objects.exists() and not told


def test_rescheduling_to_where_and_when_it_already_is_changes_nothing(users, coming, told):
    assert reschedule(coming, users, starts_at=coming.starts_at, reason="") is None
    assert not BoardChange.objects.exists() and not told


def test_a_board_that_has_met_is_neither_rescheduled_nor_cancelled(users, held, today):
    with pytest.raises(Refusal, match="has met: it cannot be rescheduled") as refused:
        reschedule(held.board, users)
    assert refused.value.status == 409
    with pytest.raises(Refusal, match="has met: it cannot be cancelled"):
        services.cancel_board(held.board, reason="x", by=users.osr_manager, today=today)


def test_cancelling_keeps_the_board_as_cancelled_and_tells_team_and_panel(users, coming, told):
    services.cancel_board(
        coming, reason="Too few services", by=users.osr_manager, today=timezone.localdate()
    )
    coming.refresh_from_db()
    assert coming.status == "cancelled" and coming.cancelled
    assert coming.agenda.count() == 1  # the record stays
    change = coming.changes.get()
    assert (change.kind, change.reason) == ("cancelled", "Too few services")
    assert [to for to, _s, _b in told][0] == ["flood-team@defra.example"]
    assert all("cancelled" in subject for _to, subject, _b in told)
    assert all("Why: Too few services" in body for _to, _s, body in told)


def test_a_cancelled_boards_services_may_go_on_another_board(users, coming, told, today):
    service = coming.agenda.get().service
    assert not services.board_needs(ServiceFactory._meta.model.objects.all(), today=today)
    services.cancel_board(coming, reason="Moved", by=users.osr_manager, today=today)
    assert [s for s, _need in services.board_needs(type(service).objects.all(), today=today)] == [
        service
    ]
    later = ReviewBoardFactory(
        delivery_group=users.own, chair=users.osr_manager.person, starts_at=next_month()
    )
    item = services.add_to_agenda(later, service, by=users.osr_manager, today=today)
    assert AgendaItem.objects.filter(service=service).count() == 2 and item.board == later


def test_cancelling_needs_a_reason(users, coming, today):
    with pytest.raises(Refusal) as refused:
        services.cancel_board(coming, reason="", by=users.osr_manager, today=today)
    assert refused.value.errors == {"reason": ["Enter why the board is cancelled"]}
    assert ReviewBoard.objects.get(pk=coming.pk).status == "scheduled"


def test_a_cancelled_board_is_not_rescheduled_and_records_no_outcome(users, held, told, today):
    ReviewBoard.objects.filter(pk=held.board.pk).update(status="cancelled")
    held.board.refresh_from_db()
    with pytest.raises(Refusal, match="is cancelled: it cannot be rescheduled") as refused:
        reschedule(held.board, users)
    assert refused.value.status == 409
    with pytest.raises(Refusal, match="is cancelled: it records no outcomes") as refused:
        services.record_outcome(
            held.board,
            held.service,
            outcome="green",
            summary="Good",
            conditions=[],
            by=users.osr_manager,
            today=today,
        )
    assert refused.value.status == 409
    with pytest.raises(Refusal, match="is cancelled"):
        services.cancel_board(held.board, reason="Again", by=users.osr_manager, today=today)


def record(board, users, **given):
    args = {"notes": "", "attended": set(), "reason": "", "by": users.osr_manager} | given
    return services.record_board_notes(board, today=timezone.localdate(), **args)


def test_notes_are_recorded_then_corrected_with_a_reason_in_the_audit_trail(users, held):
    security = held.security.person_id
    with acting_as(users.osr_manager):
        first = record(held.board, users, notes="Discussed waste", attended={security})
    assert first.kind == "notes_recorded"
    held.security.refresh_from_db()
    held.architecture.refresh_from_db()
    assert (held.security.attended, held.architecture.attended) == (True, False)

    with pytest.raises(Refusal) as refused:
        record(held.board, users, notes="Discussed waste permits", attended={security})
    assert refused.value.errors == {"reason": ["Enter the reason for the correction"]}

    with acting_as(users.osr_manager):
        fixed = record(
            held.board,
            users,
            notes="Discussed waste permits",
            attended={security, held.architecture.person_id},
            reason="Architecture joined late",
        )
    assert fixed.kind == "notes_corrected" and fixed.reason == "Architecture joined late"
    held.board.refresh_from_db()
    assert held.board.notes == "Discussed waste permits"
    entry = LogEntry.objects.get_for_object(held.board).latest("timestamp")
    assert entry.changes_dict["notes"] == ["Discussed waste", "Discussed waste permits"]
    assert entry.additional_data == {"reason": "Architecture joined late"}
    assert entry.actor == users.osr_manager
    seat = LogEntry.objects.get_for_object(held.architecture).latest("timestamp")
    assert seat.changes_dict["attended"] == ["False", "True"]
    assert seat.additional_data == {"reason": "Architecture joined late"}


def test_a_correction_keeps_the_outcomes_recorded(users, held, today):
    decision = services.record_outcome(
        held.board,
        held.service,
        outcome="green",
        summary="Ready",
        conditions=[],
        by=users.osr_manager,
        today=today,
    )
    record(held.board, users, notes="First")
    record(held.board, users, notes="Second", reason="Typo")
    held.item.refresh_from_db()
    assert held.item.decided
    assert held.item.decisions.get() == decision


def test_notes_unchanged_or_before_the_board_meets(users, held, coming):
    assert record(held.board, users) is None
    record(held.board, users, notes="Met")
    assert record(held.board, users, notes="Met") is None
    assert held.board.changes.count() == 1
    with pytest.raises(Refusal, match="record its notes once it has met") as refused:
        record(coming, users, notes="Too soon")
    assert refused.value.status == 409


def test_attendance_is_of_the_panel_only(users, held):
    with pytest.raises(Refusal) as refused:
        record(held.board, users, attended={users.viewer.person.pk})
    assert refused.value.errors == {"attended": ["Choose people on the board's panel"]}


def test_who_may_reschedule_cancel_and_correct(users, held, coming):
    for role in ("admin", "osr_manager"):
        user = users.by_role(role)
        assert user.has_perm("reviews.reschedule_board", coming)
        assert user.has_perm("reviews.cancel_board", coming)
        assert user.has_perm("reviews.record_notes", held.board)
    for role in ("viewer", "delivery", "outsider", "live_services_manager"):
        user = users.by_role(role)
        assert not user.has_perm("reviews.reschedule_board", coming)
        assert not user.has_perm("reviews.cancel_board", coming)
        assert not user.has_perm("reviews.record_notes", held.board)
