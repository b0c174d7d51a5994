"""How durations are written in the operations profile and read back."""

import datetime as dt

import pytest

from osr.guides.profile import duration_iso, duration_text, parse_duration_text

HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    "written, meant",
    [
        ("4 hours", 4 * HOUR),
        ("4h", 4 * HOUR),
        ("1 day 2 hours", 26 * HOUR),
        ("1 day and 30 mins", dt.timedelta(days=1, minutes=30)),
        ("90 minutes", 1.5 * HOUR),
        ("1.5 hours", 1.5 * HOUR),
        ("02:30", 2.5 * HOUR),
        ("PT4H", 4 * HOUR),
        ("P1DT2H", 26 * HOUR),
        ("2 weeks", dt.timedelta(days=14)),
    ],
)
def test_durations_are_read_as_people_and_iso_8601_write_them(written, meant):
    assert parse_duration_text(written) == meant


@pytest.mark.parametrize("written", ["soon", "4 parsecs", "-4 hours", "400 days", "P99999999D"])
def test_unreadable_or_absurd_durations_are_refused(written):
    assert parse_duration_text(written) is None


@pytest.mark.parametrize(
    "value, text, iso",
    [
        (4 * HOUR, "4 hours", "PT4H"),
        (dt.timedelta(minutes=15), "15 minutes", "PT15M"),
        (dt.timedelta(days=1, minutes=1), "1 day 1 minute", "P1DT1M"),
        (dt.timedelta(0), "0 minutes", "PT0S"),
    ],
)
def test_durations_are_written_back_plainly_and_in_iso_8601(value, text, iso):
    assert (duration_text(value), duration_iso(value)) == (text, iso)
