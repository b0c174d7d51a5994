"""Which verified evidence and waivers expire soon, or have just expired: a plain rule.

Over one service's evaluation and its facts, with ``today`` passed in, so that
the daily check and its tests ask the same question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from osr.core.notifications.choices import Kind

from .choices import Status
from .engine import Evaluation, add_months
from .facts import EvidenceFacts, WaiverFacts
from .policy import Policy

WARN_DAYS = 30  # the team is warned this many days before
# An expiry missed while the schedule was not running is still told, up to a week late,
# but not one long past when notifications began.
LOOK_BACK_DAYS = 7


@dataclass(frozen=True, slots=True)
class ExpiryNotice:
    """A requirement whose evidence or waiver expires (``on`` the first day it no longer counts)."""

    requirement_id: str
    title: str
    kind: str
    on: dt.date


def expiry_notices(
    policy: Policy,
    evaluation: Evaluation,
    evidence: Sequence[EvidenceFacts],
    waivers: Sequence[WaiverFacts],
    *,
    today: dt.date,
) -> list[ExpiryNotice]:
    """What the team should hear today: expiring within 30 days, or expired this last week."""
    notices = []
    warn_until = today + dt.timedelta(days=WARN_DAYS)
    for result in evaluation.requirements:
        if result.status in (Status.MET, Status.WAIVED) and result.expires_on:
            if today < result.expires_on <= warn_until:
                kind = (
                    Kind.EVIDENCE_EXPIRING if result.status == Status.MET else Kind.WAIVER_EXPIRING
                )
                notices.append(ExpiryNotice(result.id, result.title, kind, result.expires_on))
        elif result.status == Status.EXPIRED:
            found = _expired(policy, result.id, evidence, waivers)
            if found and today - dt.timedelta(days=LOOK_BACK_DAYS) <= found[1] <= today:
                notices.append(ExpiryNotice(result.id, result.title, *found))
    return notices


def _expired(
    policy: Policy,
    requirement_id: str,
    evidence: Sequence[EvidenceFacts],
    waivers: Sequence[WaiverFacts],
) -> tuple[str, dt.date] | None:
    requirement = policy.requirement(requirement_id)
    months = requirement.valid_for_months if requirement else None
    if months:
        ends = [
            add_months(item.dated, months)
            for item in evidence
            if item.requirement_id == requirement_id and item.status == "verified"
        ]
        if ends:
            return Kind.EVIDENCE_EXPIRED, max(ends)
    ends = [w.expires_on for w in waivers if w.requirement_id == requirement_id and w.expires_on]
    return (Kind.WAIVER_EXPIRED, max(ends)) if ends else None
