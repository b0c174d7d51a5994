"""The review board's rules as plain functions over plain data: no ORM, no clock.

What an outcome needs, what a finished assessment needs, when an action's
reminder is due, whether a service needs a board, and the two automatic
checks the board's records decide (LV-3 and LV-5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from osr.catalogue.choices import Phase
from osr.core.shortcuts import day
from osr.readiness.engine import add_months

from .choices import PASSING, Criterion, Outcome, Rating, RehearsalKind

# An action's owner is reminded this many days before it falls due, and every
# this many days once it is overdue.
REMIND_BEFORE_DAYS = 7
REMIND_OVERDUE_EVERY_DAYS = 7

# LV-3 asks for rehearsals within the last year.
REHEARSALS_VALID_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition of an amber outcome: it becomes an action with an owner and a due date."""

    description: str
    owner_id: int | None
    due_on: dt.date | None


def outcome_errors(
    outcome: str, summary: str, conditions: Sequence[Condition], today: dt.date
) -> dict[str, list[str]]:
    """Why an outcome as given cannot be recorded, by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = ["Choose green, amber or red"]
    if not summary.strip():
        errors["summary"] = ["Enter a summary of the board's decision"]
    if outcome == Outcome.AMBER and not conditions:
        errors["conditions"] = ["An amber outcome needs at least one condition"]
    if outcome in (Outcome.GREEN, Outcome.RED) and conditions:
        errors["conditions"] = ["Only an amber outcome has conditions"]
    for number, condition in enumerate(conditions, start=1):
        problems = []
        if not condition.description.strip():
            problems.append("say what must be done")
        if condition.owner_id is None:
            problems.append("choose its owner")
        if condition.due_on is None:
            problems.append("give its due date")
        elif condition.due_on < today:
            problems.append("its due date cannot be in the past")
        if problems:
            errors.setdefault("conditions", []).append(f"Condition {number}: {', '.join(problems)}")
    return errors


def assessment_errors(
    ratings: Mapping[str, tuple[str, str]], *, submit: bool
) -> dict[str, list[str]]:
    """Why ratings cannot be saved (or submitted), by criterion; empty when they can.

    A draft may leave criteria unrated. A submitted assessment rates every
    criterion, and explains every amber or red rating.
    """
    errors: dict[str, list[str]] = {}
    for criterion in ratings:
        if criterion not in Criterion.values:
            errors.setdefault("__all__", []).append(f"There is no criterion ‘{criterion}’")
    for criterion in Criterion:
        rating, comment = ratings.get(criterion.value, ("", ""))
        if rating and rating not in Rating.values:
            errors[criterion.value] = ["Rate it green, amber or red"]
        elif submit and not rating:
            errors[criterion.value] = ["Rate this criterion before you submit"]
        elif submit and rating in (Rating.AMBER, Rating.RED) and not comment.strip():
            errors[criterion.value] = [f"Say why you rated it {Rating(rating).label.lower()}"]
    return errors


def reminder_due(
    due_on: dt.date,
    today: dt.date,
    *,
    reminded_before_on: dt.date | None,
    reminded_after_on: dt.date | None,
) -> str | None:
    """Which reminder an open action's owner is due today: "before", "after" or none.

    One reminder in the week before the due date; once overdue, one a week
    until the action is closed.
    """
    if today > due_on:
        if reminded_after_on is None or (today - reminded_after_on).days >= (
            REMIND_OVERDUE_EVERY_DAYS
        ):
            return "after"
        return None
    if (due_on - today).days <= REMIND_BEFORE_DAYS and reminded_before_on is None:
        return "before"
    return None


@dataclass(frozen=True, slots=True)
class BoardRecord:
    """A service's standing with review boards: decisions in force and boards still to decide."""

    # (decided on, outcome, the board's day) of each decision not since corrected.
    decisions: tuple[tuple[dt.date, str, dt.date], ...] = ()
    # The day of each board with the service on its agenda and no outcome yet.
    scheduled: tuple[dt.date, ...] = ()

    def latest(self, today: dt.date) -> tuple[dt.date, str, dt.date] | None:
        """The most recent decision taken on or before ``today``."""
        taken = [d for d in self.decisions if d[0] <= today]
        return max(taken) if taken else None


def board_passed(record: BoardRecord | None, today: dt.date) -> tuple[bool, str]:
    """LV-5: the latest decision in force is green or amber; red sends the service back."""
    record = record or BoardRecord()
    latest = record.latest(today)
    upcoming = sorted(d for d in record.scheduled if d >= today)
    if latest is None:
        if upcoming:
            return False, f"On the agenda of the review board on {day(upcoming[0])}"
        return False, "The service has not been to a review board"
    _decided_on, outcome, board_on = latest
    said = f"The review board on {day(board_on)} decided {Outcome(outcome).label.lower()}"
    if outcome in PASSING:
        return True, said
    back = (
        f"; it returns to the board on {day(upcoming[0])}"
        if upcoming
        else ": the service must return to a review board"
    )
    return False, said + back


@dataclass(frozen=True, slots=True)
class BoardNeed:
    """Why a service should be on a board's agenda: shown on its page, flagged on the portfolio."""

    kind: str  # "needed" in private beta, "unscheduled" in public beta, "return" after red
    text: str


def board_need(phase: str, record: BoardRecord | None, today: dt.date) -> BoardNeed | None:
    """Whether a service in beta needs a board it does not have yet.

    The board is usually held at the start of beta: a service in private beta
    without one is nudged; one in public beta with none scheduled is flagged.
    """
    if phase not in (Phase.PRIVATE_BETA, Phase.PUBLIC_BETA):
        return None
    record = record or BoardRecord()
    if record.scheduled:
        return None
    latest = record.latest(today)
    if latest is not None and latest[1] in PASSING:
        return None
    if latest is not None:
        return BoardNeed("return", "Red at its last review board: it must return to a board")
    if phase == Phase.PRIVATE_BETA:
        return BoardNeed("needed", "Review board needed")
    return BoardNeed("unscheduled", "In public beta with no review board scheduled")


def rehearsals_run(held: Iterable[tuple[str, dt.date]], today: dt.date) -> tuple[bool, str]:
    """LV-3: at least one incident and one change rehearsal in the last 12 months."""
    since = add_months(today, -REHEARSALS_VALID_MONTHS)
    latest: dict[str, dt.date] = {}
    for kind, held_on in held:
        if since <= held_on <= today and held_on > latest.get(kind, dt.date.min):
            latest[kind] = held_on
    missing = [k.label.lower() for k in RehearsalKind if k.value not in latest]
    if missing:
        return False, f"No {' or '.join(missing)} rehearsal since {day(since)}"
    said = ", ".join(f"{k.label.lower()} on {day(latest[k.value])}" for k in RehearsalKind)
    return True, f"Rehearsals run: {said}"
