"""The parts of the operations profile, each edited on its own page and feeding one guide section.

Also how the profile's durations are written and read: people write ‘4 hours’
or ‘30 minutes’; the API also accepts ISO 8601 (``PT4H``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfilePart:
    """A group of profile fields with its own form, and the guide section it feeds."""

    key: str
    title: str
    section: int
    fields: tuple[str, ...]


PARTS: tuple[ProfilePart, ...] = (
    ProfilePart("document", "Document control", 1, ("review_cycle_months",)),
    ProfilePart("overview", "Service overview", 2, ("business_processes", "environment_urls")),
    ProfilePart("outage", "Outage impact", 3, ("outage_impact",)),
    ProfilePart("support", "Support model", 7, ("support_tiers", "out_of_hours_cover", "on_call")),
    ProfilePart(
        "service-levels",
        "Service levels",
        8,
        ("availability_target", "slos", "measured_how", "supplier_targets"),
    ),
    ProfilePart("monitoring", "Monitoring and alerting", 9, ("health_checks", "alerting")),
    ProfilePart(
        "incidents",
        "Incident management and escalation",
        10,
        ("severities", "escalation_path", "communications", "post_incident_reviews"),
    ),
    ProfilePart("change", "Change and release", 11, ("release_frequency", "standard_changes")),
    ProfilePart("runbooks", "Known errors", 12, ("known_errors",)),
    ProfilePart(
        "continuity",
        "Continuity and disaster recovery",
        13,
        (
            "rto",
            "rpo",
            "disaster_definition",
            "recovery_invoked_by",
            "recovery_steps",
            "backup_arrangements",
            "last_dr_test",
        ),
    ),
    ProfilePart("capacity", "Capacity and performance", 14, ("load_tested_to", "scaling")),
    ProfilePart(
        "security", "Security and access", 15, ("access_arrangements", "last_penetration_test")
    ),
    ProfilePart("data-protection", "Data protection", 16, ("personal_data_held", "dpia_status")),
    ProfilePart(
        "transition",
        "Knowledge transfer and early-life support",
        19,
        ("knowledge_transfer", "early_life_support"),
    ),
)
PART_BY_KEY = {part.key: part for part in PARTS}
PART_FOR_SECTION = {part.section: part.key for part in PARTS}
PROFILE_FIELDS: tuple[str, ...] = tuple(name for part in PARTS for name in part.fields)
DURATION_FIELDS = ("rto", "rpo")
# No recovery objective is longer than a year; anything longer is a mistake in writing it.
LONGEST = dt.timedelta(days=365)

_UNITS = {
    "w": 7 * 24 * 60,
    "week": 7 * 24 * 60,
    "d": 24 * 60,
    "day": 24 * 60,
    "h": 60,
    "hr": 60,
    "hour": 60,
    "m": 1,
    "min": 1,
    "minute": 1,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_PARTS = re.compile(r"(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+")
_ISO = re.compile(
    r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def parse_duration_text(text: str) -> dt.timedelta | None:
    """‘4 hours’, ‘1 day 2 hours’, ‘90 minutes’, ‘4h’, ‘02:30’ or ``PT4H``; None if unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    iso = _ISO.fullmatch(text.upper())
    if iso and any(iso.groupdict().values()):
        parts = {k: float(v) for k, v in iso.groupdict().items() if v}
        return _bounded(
            lambda: dt.timedelta(
                days=parts.get("d", 0),
                hours=parts.get("h", 0),
                minutes=parts.get("m", 0),
                seconds=parts.get("s", 0),
            )
        )
    clock = re.fullmatch(r"(\d+):([0-5]\d)", text)
    if clock:
        return _bounded(lambda: dt.timedelta(hours=int(clock[1]), minutes=int(clock[2])))
    words = re.sub(r"\band\b|,", " ", text.lower()).strip()
    if not _PARTS.fullmatch(words):
        return None
    minutes = 0.0
    for number, unit in _PART.findall(words):
        size = _UNITS.get(unit) or _UNITS.get(unit.removesuffix("s"))
        if size is None:
            return None
        minutes += float(number) * size
    return _bounded(lambda: dt.timedelta(minutes=minutes))


def _bounded(make) -> dt.timedelta | None:
    try:
        value = make()
    except OverflowError:
        return None
    return value if value <= LONGEST else None


def duration_text(value: dt.timedelta | None) -> str:
    """A duration as people write it: ‘4 hours’, ‘1 day 2 hours’, ‘30 minutes’."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    if minutes == 0:
        return "0 minutes"
    words = []
    for size, name in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        count, minutes = divmod(minutes, size)
        if count:
            words.append(f"{count} {name}{'s' if count != 1 else ''}")
    return " ".join(words)


def duration_iso(value: dt.timedelta | None) -> str | None:
    """ISO 8601 at its shortest: ``PT4H``, ``P1DT2H``, ``PT15M``."""
    if value is None:
        return None
    seconds = int(value.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    time = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return f"P{f'{days}D' if days else ''}{f'T{time}' if time else ''}" if days or time else "PT0S"
