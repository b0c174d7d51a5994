"""Panel members rate each criterion; drafts are kept; others' ratings show after submitting."""

import pytest

from osr.core.refusals import Refusal
from osr.reviews import services
from osr.reviews.choices import Criterion
from osr.reviews.models import Assessment, CriterionRating

pytestmark = pytest.mark.django_db

ALL_GREEN = {c.value: ("green", "Fine") for c in Criterion}


def test_there_are_seven_criteria_point_14_and_end_to_end():
    assert len(Criterion.choices) == 7
    assert Criterion.UPTIME.label == (
        "Maximise uptime and speed of response for the online part of the service"
    )
    assert Criterion.END_TO_END.label == "The service can be operated reliably end to end"


def test_only_panel_members_assess(held, users):
    with pytest.raises(Refusal, match="Only the board's panel members assess") as refused:
        services.save_assessment(held.item, by=users.osr_manager, ratings=ALL_GREEN, submit=True)
    assert refused.value.status == 403
    assert not Assessment.objects.exists()
    assert not users.osr_manager.has_perm("reviews.assess", held.board)
    assert held.security_user.has_perm("reviews.assess", held.board)


def test_a_draft_is_saved_and_returned_to(held):
    user = held.security_user
    services.save_assessment(
        held.item, by=user, ratings={"uptime": ("amber", "Slow")}, submit=False
    )
    draft = Assessment.objects.get()
    assert not draft.submitted
    assert draft.ratings.get(criterion="uptime").comment == "Slow"

    services.save_assessment(held.item, by=user, ratings=ALL_GREEN, submit=False)
    assert Assessment.objects.count() == 1
    assert CriterionRating.objects.filter(rating="green").count() == 7


def test_submitting_needs_every_criterion_rated_and_saves_nothing_otherwise(held):
    with pytest.raises(Refusal) as refused:
        services.save_assessment(
            held.item, by=held.security_user, ratings={"uptime": ("green", "")}, submit=True
        )
    assert refused.value.errors["monitoring"] == ["Rate this criterion before you submit"]
    assert not Assessment.objects.exists() and not CriterionRating.objects.exists()


def test_a_submitted_assessment_no_longer_changes(held):
    services.save_assessment(held.item, by=held.security_user, ratings=ALL_GREEN, submit=True)
    with pytest.raises(Refusal, match="no longer changes") as refused:
        services.save_assessment(held.item, by=held.security_user, ratings=ALL_GREEN, submit=False)
    assert refused.value.status == 409


def test_others_ratings_show_only_once_your_own_is_submitted(held):
    services.save_assessment(held.item, by=held.architecture_user, ratings=ALL_GREEN, submit=True)
    own, others = services.assessments_shown_to(held.item, held.security_user)
    assert own is None and others == []

    services.save_assessment(held.item, by=held.security_user, ratings={}, submit=False)
    own, others = services.assessments_shown_to(held.item, held.security_user)
    assert own is not None and others == []

    services.save_assessment(held.item, by=held.security_user, ratings=ALL_GREEN, submit=True)
    own, others = services.assessments_shown_to(held.item, held.security_user)
    assert [a.member for a in others] == [held.architecture]


def test_the_chair_sees_every_submitted_assessment_but_not_drafts(held, users):
    services.save_assessment(held.item, by=held.architecture_user, ratings=ALL_GREEN, submit=True)
    services.save_assessment(held.item, by=held.security_user, ratings={}, submit=False)
    own, others = services.assessments_shown_to(held.item, users.osr_manager)
    assert own is None and [a.member for a in others] == [held.architecture]
    _own, viewer_sees = services.assessments_shown_to(held.item, users.viewer)
    assert viewer_sees == []


def test_assessments_close_once_the_outcome_is_recorded(held, users, today):
    services.record_outcome(
        held.board,
        held.service,
        outcome="green",
        summary="Good",
        conditions=[],
        by=users.osr_manager,
        today=today,
    )
    held.item.refresh_from_db()
    with pytest.raises(Refusal, match="assessments are closed"):
        services.save_assessment(held.item, by=held.security_user, ratings=ALL_GREEN, submit=True)
