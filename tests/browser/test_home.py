"""Each role's home page, wide and narrow: the work waiting, readable and accessible."""

import pytest

from ..core import home_estate

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

estate = home_estate.estate  # the fixture

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])

# What each role's page must show: a section's heading and a row a person would notice.
SHOWS = {
    "delivery": [
        ("Your services", "Waste permits"),
        ("Evidence to redo", "The MyIT record names no support group"),
        ("Your next review board", "Seacole Building, room 3.01"),
        ("Your open actions", "Write the failover runbook"),
    ],
    "osr_manager": [
        ("Evidence awaiting your verification", "AS-2 The right stakeholders engaged"),
        ("Review boards coming up", "chaired by Osr Manager"),
        ("Overdue actions", "Test the backups"),
        ("Services newly using live data", "Flood alerts"),
        ("Waivers and evidence expiring within 30 days", "AS-5 Governance processes followed"),
    ],
    "live_services_manager": [
        ("Your live services", "Rod fishing licence"),
        ("Changes near your live services", "Raise the alert thresholds"),
        ("Operations guides awaiting your approval", "Rod fishing licence, version 1"),
    ],
    "admin": [
        ("The estate", "4 services in 2 delivery groups"),
        ("Readiness across the estate", "Evidence awaiting verification"),
        ("Delivery groups that need an administrator", "Environment"),
    ],
}


@WIDTHS
@pytest.mark.parametrize("role", list(SHOWS))
def test_each_role_finds_its_work_on_the_home_page(journey, person, estate, role):
    person(role)
    journey.sign_in(role)  # signing in lands on the home page, which is checked
    page = journey.page
    assert page.get_by_role("heading", name="Your work", level=1).is_visible()
    for heading, row in SHOWS[role]:
        section = page.locator(".osr-home-section").filter(
            has=page.get_by_role("heading", name=heading, level=3, exact=True)
        )
        assert row in section.inner_text(), f"{heading}: {row!r} not shown"
    # Nothing makes the page scroll sideways; a wide table scrolls within its own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
