"""The board's rules as plain functions: outcomes, assessments, reminders, need, LV-3, LV-5."""

import datetime as dt

from osr.reviews.board_rules import (
    BoardRecord,
    Condition,
    assessment_errors,
    board_need,
    board_passed,
    outcome_errors,
    rehearsals_run,
    reminder_due,
)

TODAY = dt.date(2026, 3, 10)
LATER = TODAY + dt.timedelta(days=30)
ALL_GREEN = {
    c: ("green", "")
    for c in [
        "uptime",
        "deployment",
        "quality_assurance",
        "live_like_testing",
        "monitoring",
        "organisational",
        "end_to_end",
    ]
}


def test_amber_without_a_condition_is_refused():
    assert outcome_errors("amber", "Approved with conditions", [], TODAY) == {
        "conditions": ["An amber outcome needs at least one condition"]
    }


def test_amber_with_a_complete_condition_is_accepted():
    assert outcome_errors("amber", "OK", [Condition("Fix alerts", 1, LATER)], TODAY) == {}


def test_green_and_red_take_no_conditions_and_need_a_summary():
    errors = outcome_errors("green", " ", [Condition("Fix", 1, LATER)], TODAY)
    assert errors == {
        "summary": ["Enter a summary of the board's decision"],
        "conditions": ["Only an amber outcome has conditions"],
    }


def test_unknown_outcome_and_incomplete_conditions_are_named():
    errors = outcome_errors("purple", "x", [], TODAY)
    assert errors == {"outcome": ["Choose green, amber or red"]}
    errors = outcome_errors(
        "amber", "x", [Condition("", None, TODAY - dt.timedelta(days=1))], TODAY
    )
    assert errors["conditions"] == [
        "Condition 1: say what must be done, choose its owner, its due date cannot be in the past"
    ]


def test_a_draft_may_leave_criteria_unrated_but_a_submission_may_not():
    assert assessment_errors({"uptime": ("amber", "")}, submit=False) == {}
    errors = assessment_errors({"uptime": ("green", "")}, submit=True)
    assert set(errors) == set(ALL_GREEN) - {"uptime"}
    assert errors["monitoring"] == ["Rate this criterion before you submit"]


def test_amber_and_red_ratings_need_a_comment_when_submitted():
    ratings = ALL_GREEN | {"monitoring": ("red", " "), "uptime": ("amber", "Slow pages")}
    assert assessment_errors(ratings, submit=True) == {"monitoring": ["Say why you rated it red"]}
    assert assessment_errors(ALL_GREEN, submit=True) == {}


def test_unknown_criteria_and_ratings_are_refused():
    errors = assessment_errors({"speed": ("green", ""), "uptime": ("blue", "")}, submit=False)
    assert errors == {
        "__all__": ["There is no criterion ‘speed’"],
        "uptime": ["Rate it green, amber or red"],
    }


def test_reminders_go_once_in_the_week_before_and_weekly_once_overdue():
    due = TODAY

    def remind(today, before=None, after=None):
        return reminder_due(due, today, reminded_before_on=before, reminded_after_on=after)

    assert remind(TODAY - dt.timedelta(days=8)) is None
    assert remind(TODAY - dt.timedelta(days=7)) == "before"
    assert remind(TODAY - dt.timedelta(days=3), before=TODAY - dt.timedelta(days=7)) is None
    assert remind(TODAY) == "before"
    assert remind(TODAY + dt.timedelta(days=1), before=TODAY) == "after"
    assert remind(TODAY + dt.timedelta(days=5), after=TODAY + dt.timedelta(days=1)) is None
    assert remind(TODAY + dt.timedelta(days=8), after=TODAY + dt.timedelta(days=1)) == "after"


def test_lv5_is_met_by_green_or_amber_and_not_by_red():
    board_day = TODAY - dt.timedelta(days=2)
    for outcome, met in [("green", True), ("amber", True), ("red", False)]:
        record = BoardRecord(decisions=((board_day, outcome, board_day),))
        passed, reason = board_passed(record, TODAY)
        assert passed is met
        assert reason.startswith("The review board on 8 March 2026 decided")
    _, reason = board_passed(BoardRecord(decisions=((board_day, "red", board_day),)), TODAY)
    assert reason.endswith("the service must return to a review board")


def test_lv5_follows_the_latest_decision_and_ignores_later_ones():
    first, second = TODAY - dt.timedelta(days=60), TODAY - dt.timedelta(days=1)
    record = BoardRecord(decisions=((first, "green", first), (second, "red", second)))
    assert board_passed(record, TODAY)[0] is False
    assert board_passed(record, TODAY - dt.timedelta(days=2))[0] is True


def test_lv5_without_a_decision_says_whether_a_board_is_scheduled():
    assert board_passed(None, TODAY) == (False, "The service has not been to a review board")
    record = BoardRecord(scheduled=(TODAY + dt.timedelta(days=5),))
    assert board_passed(record, TODAY) == (
        False,
        "On the agenda of the review board on 15 March 2026",
    )


def test_a_service_in_private_beta_without_a_board_needs_one():
    need = board_need("private_beta", None, TODAY)
    assert need is not None and need.kind == "needed" and need.text == "Review board needed"
    assert board_need("alpha", None, TODAY) is None
    assert board_need("live", None, TODAY) is None


def test_a_service_in_public_beta_with_no_board_scheduled_is_flagged():
    need = board_need("public_beta", BoardRecord(), TODAY)
    assert need is not None and need.kind == "unscheduled"
    scheduled = BoardRecord(scheduled=(LATER,))
    assert board_need("public_beta", scheduled, TODAY) is None
    passed = BoardRecord(decisions=((TODAY, "amber", TODAY),))
    assert board_need("public_beta", passed, TODAY) is None


def test_a_red_outcome_sends_the_service_back_to_a_board():
    record = BoardRecord(decisions=((TODAY, "red", TODAY),))
    need = board_need("private_beta", record, TODAY)
    assert need is not None and need.kind == "return"


def test_lv3_needs_one_rehearsal_of_each_kind_in_the_last_twelve_months():
    recent = TODAY - dt.timedelta(days=30)
    old = dt.date(2025, 3, 9)
    assert rehearsals_run([("incident", recent), ("change", recent)], TODAY) == (
        True,
        "Rehearsals run: incident on 8 February 2026, change on 8 February 2026",
    )
    assert rehearsals_run([("incident", recent), ("change", old)], TODAY) == (
        False,
        "No change rehearsal since 10 March 2025",
    )
    assert rehearsals_run([("incident", recent), ("change", dt.date(2025, 3, 10))], TODAY)[0]
    assert rehearsals_run([], TODAY)[1] == "No incident or change rehearsal since 10 March 2025"
    future = TODAY + dt.timedelta(days=1)
    assert rehearsals_run([("incident", recent), ("change", future)], TODAY)[0] is False
