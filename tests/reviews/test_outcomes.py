"""The chair records the outcome once; conditions become actions; LV-5 follows the decision."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core import mail

from osr.core.audit import acting_as
from osr.core.refusals import Refusal
from osr.readiness.services import readiness_of
from osr.reviews import services
from osr.reviews.board_rules import Condition
from osr.reviews.models import Action, Decision

from .factories import ReviewBoardFactory

pytestmark = pytest.mark.django_db


def record(held, users, today, outcome="green", conditions=(), corrects=None, summary="Summary"):
    return services.record_outcome(
        held.board,
        held.service,
        outcome=outcome,
        summary=summary,
        conditions=list(conditions),
        by=users.osr_manager,
        today=today,
        corrects=corrects,
    )


def lv5(service, today):
    return readiness_of(service, today=today).requirement("LV-5")


def test_green_meets_lv5_through_the_automatic_check(held, users, today):
    assert lv5(held.service, today).status == "not_started"
    record(held, users, today, "green")
    result = lv5(held.service, today)
    assert result.status == "met" and result.automatic
    assert "decided green: approved" in result.reason


def test_amber_meets_lv5_and_each_condition_becomes_an_action(held, users, today, owner):
    due = today + dt.timedelta(days=30)
    decision = record(
        held,
        users,
        today,
        "amber",
        [Condition("Add alerting", owner.pk, due), Condition("Agree RTO", owner.pk, due)],
    )
    assert lv5(held.service, today).status == "met"
    actions = list(Action.objects.order_by("id"))
    assert [a.description for a in actions] == ["Add alerting", "Agree RTO"]
    assert {(a.owner, a.due_on, a.status, a.decision) for a in actions} == {
        (owner, due, "open", decision)
    }


def test_red_leaves_lv5_unmet_and_the_service_must_return(held, users, today):
    record(held, users, today, "red")
    result = lv5(held.service, today)
    assert result.status == "not_started"
    assert result.reason.endswith("the service must return to a review board")


def test_amber_without_a_condition_is_refused_and_nothing_is_saved(held, users, today):
    with pytest.raises(Refusal) as refused:
        record(held, users, today, "amber")
    assert refused.value.errors == {"conditions": ["An amber outcome needs at least one condition"]}
    assert not Decision.objects.exists() and not Action.objects.exists()
    held.item.refresh_from_db()
    assert not held.item.decided


def test_a_bad_condition_saves_neither_the_decision_nor_any_action(held, users, today, owner):
    good = Condition("Add alerting", owner.pk, today + dt.timedelta(days=5))
    bad = Condition("Agree RTO", owner.pk, today - dt.timedelta(days=1))
    with pytest.raises(Refusal, match="Condition 2: its due date cannot be in the past"):
        record(held, users, today, "amber", [good, bad])
    assert not Decision.objects.exists() and not Action.objects.exists()


def test_an_outcome_cannot_be_recorded_twice(held, users, today):
    record(held, users, today, "green")
    with pytest.raises(Refusal, match="already recorded") as refused:
        record(held, users, today, "red")
    assert refused.value.status == 409
    assert Decision.objects.count() == 1


def test_an_outcome_waits_for_the_board_to_meet(users, today, held):
    held.board.starts_at = held.board.starts_at + dt.timedelta(days=10)
    held.board.save()
    with pytest.raises(Refusal, match="record its outcome once it has met"):
        record(held, users, today, "green")


def test_a_recorded_outcome_never_changes(held, users, today):
    decision = record(held, users, today, "green")
    decision.summary = "Edited"
    with pytest.raises(Refusal, match="never changes"):
        decision.save()
    with pytest.raises(Refusal, match="never deleted"):
        decision.delete()
    assert Decision.objects.get().summary == "Summary"


def test_a_correction_is_a_new_decision_that_references_the_one_it_corrects(
    held, users, today, owner
):
    due = today + dt.timedelta(days=30)
    first = record(held, users, today, "amber", [Condition("Add alerting", owner.pk, due)])
    correction = record(held, users, today, "red", corrects=first, summary="Not ready after all")

    assert correction.corrects == first
    assert Decision.objects.count() == 2
    assert Decision.objects.get(pk=first.pk).outcome == "amber"
    assert Action.objects.get().status == "withdrawn"
    assert lv5(held.service, today).status == "not_started"


def test_only_the_decision_in_force_can_be_corrected(held, users, today):
    first = record(held, users, today, "green")
    record(held, users, today, "red", corrects=first)
    with pytest.raises(Refusal, match="Only the decision in force"):
        record(held, users, today, "green", corrects=first)


def test_lv5_follows_the_latest_board(held, users, today):
    record(held, users, today, "green")
    later = ReviewBoardFactory(delivery_group=users.own, chair=users.osr_manager.person)
    later.agenda.create(service=held.service, position=1)
    services.record_outcome(
        later,
        held.service,
        outcome="red",
        summary="Regressed",
        conditions=[],
        by=users.osr_manager,
        today=today,
    )
    assert lv5(held.service, today).status == "not_started"


def test_the_team_is_told_the_outcome_and_its_conditions(
    held, users, today, owner, django_capture_on_commit_callbacks
):
    due = today + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        record(held, users, today, "amber", [Condition("Add alerting", owner.pk, due)])
    (message,) = mail.outbox
    assert "waste-team@defra.example" in message.to and owner.email in message.to
    assert (
        message.subject == "Review board outcome for Waste permits: amber: approved with conditions"
    )
    assert "- Add alerting (Olu Owner, by" in message.body


def test_recording_the_outcome_is_audited(held, users, today):
    with acting_as(users.osr_manager):  # as the request or command would
        decision = record(held, users, today, "green")
    (entry,) = LogEntry.objects.get_for_object(decision)
    assert entry.actor == users.osr_manager


def test_the_chair_or_the_groups_osr_manager_records_the_outcome(held, users):
    assert users.osr_manager.has_perm("reviews.record_outcome", held.board)
    assert users.admin.has_perm("reviews.record_outcome", held.board)
    for role in ["viewer", "delivery", "live_services_manager", "outsider"]:
        assert not users.by_role(role).has_perm("reviews.record_outcome", held.board), role
    assert not held.security_user.has_perm("reviews.record_outcome", held.board)
