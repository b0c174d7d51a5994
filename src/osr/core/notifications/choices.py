"""Fixed values of notifications: what they are about, how often people want them."""

from django.db import models


class Kind(models.TextChoices):
    """One kind per hand-off; people choose how often they hear of each."""

    EVIDENCE_SUBMITTED = "evidence_submitted", "Evidence submitted for verification"
    EVIDENCE_VERIFIED = "evidence_verified", "Evidence verified"
    EVIDENCE_REJECTED = "evidence_rejected", "Evidence rejected"
    EVIDENCE_EXPIRING = "evidence_expiring", "Verified evidence expiring within 30 days"
    EVIDENCE_EXPIRED = "evidence_expired", "Verified evidence expired"
    WAIVER_EXPIRING = "waiver_expiring", "Waiver expiring within 30 days"
    WAIVER_EXPIRED = "waiver_expired", "Waiver expired"
    LIVE_DATA_STARTED = "live_data_started", "A service starts using live data"
    BOARD_SCHEDULED = "board_scheduled", "A service put on a review board's agenda"
    OUTCOME_RECORDED = "outcome_recorded", "A review board's outcome recorded"
    BOARD_CHANGED = "board_changed", "A review board rescheduled or cancelled"
    ACTION_DUE = "action_due", "An action due within 7 days"
    ACTION_OVERDUE = "action_overdue", "An action overdue"
    GUIDE_AWAITING_APPROVAL = "guide_awaiting_approval", "An operations guide awaiting approval"
    CONTACTS_DUE = "contacts_due", "A service's contacts due to be confirmed"
    CAMPAIGN_REMINDER = "campaign_reminder", "A readiness campaign's requirement still to meet"
    GENERAL = "general", "Other notices"


class Frequency(models.TextChoices):
    NOW = "now", "As it happens"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Never"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEAMS = "teams", "Microsoft Teams"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


# The Notify template of the daily digest is configured under this name.
DIGEST = "digest"
