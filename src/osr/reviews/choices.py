"""Fixed values of review boards: their status and changes, ratings, outcomes, the criteria,
action and rehearsal kinds."""

from django.conf import settings
from django.db import models


class BoardStatus(models.TextChoices):
    """Whether a board is to meet (or has met, by its date), or was called off."""

    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class BoardChangeKind(models.TextChoices):
    """What was done to a board once it was scheduled."""

    RESCHEDULED = "rescheduled", "Rescheduled"
    CANCELLED = "cancelled", "Cancelled"
    NOTES_RECORDED = "notes_recorded", "Notes and attendance recorded"
    NOTES_CORRECTED = "notes_corrected", "Notes and attendance corrected"


class Rating(models.TextChoices):
    """A panel member's rating of one criterion."""

    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Outcome(models.TextChoices):
    """The board's overall outcome for a service, recorded by the chair."""

    GREEN = "green", "Green: approved"
    AMBER = "amber", "Amber: approved with conditions"
    RED = "red", "Red: not approved"


# Green and amber pass the board (LV-5); red does not.
PASSING = frozenset({Outcome.GREEN, Outcome.AMBER})


class Criterion(models.TextChoices):
    """Point 14 of the GOV.UK Service Standard, "Operate a reliable service", as the board
    assesses it: the six things service teams should do (quoted from the GOV.UK Service
    Manual, Open Government Licence v3.0), and operating the service end to end."""

    UPTIME = (
        "uptime",
        "Maximise uptime and speed of response for the online part of the service",
    )
    DEPLOYMENT = (
        "deployment",
        "Be able to deploy software changes regularly, without significant downtime (for "
        "example, by minimising the effort involved in creating new environments and "
        "populating pre-production environments with test data)",
    )
    QUALITY_ASSURANCE = (
        "quality_assurance",
        "Carry out quality assurance testing regularly",
    )
    LIVE_LIKE_TESTING = (
        "live_like_testing",
        "Test the service in an environment that's as similar to live as possible",
    )
    MONITORING = (
        "monitoring",
        "Have appropriate monitoring in place, together with a proportionate, sustainable plan "
        "to respond to problems identified by monitoring (given the impact of problems on "
        "users and on government)",
    )
    ORGANISATIONAL = (
        "organisational",
        "Actively work towards fixing any organisational or contractual issues which make it "
        "difficult to maximise availability (for example, by agreeing a common set of "
        "languages, tools, and ways of working for technical staff - either informally, or "
        "through something more formal like the GDS way)",
    )
    END_TO_END = "end_to_end", "The service can be operated reliably end to end"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    # Replaced by the conditions of a correction to the decision that set it.
    WITHDRAWN = "withdrawn", "Withdrawn"


class ActionSource(models.TextChoices):
    CONDITION = "condition", "Condition of a board's outcome"
    FINDING = "finding", "Finding of a rehearsal"


class RehearsalKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    CHANGE = "change", "Change"


OUTCOME_COLOURS = {Outcome.GREEN: "green", Outcome.AMBER: "yellow", Outcome.RED: "red"}
RATING_COLOURS = {Rating.GREEN: "green", Rating.AMBER: "yellow", Rating.RED: "red"}


def specialisms() -> list[str]:
    """The function specialisms a panel member may have: configuration, not code."""
    return list(settings.OSR_REVIEW_SPECIALISMS)
