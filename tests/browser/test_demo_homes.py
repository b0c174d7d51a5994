"""Each demo account's home page on the demo estate: real work in every section."""

import pytest
from django.utils import timezone

from osr.catalogue import demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROLES = ["delivery", "osr_manager", "live_services_manager", "admin"]


@pytest.fixture
def demo_estate(db):
    demo.load_demo(today=timezone.localdate(), accounts=True)


@pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])
def test_every_demo_account_finds_work_in_every_section(journey, demo_estate):
    page = journey.page
    for role in ROLES:
        journey.sign_in(role, password=f"demo-{role}")
        assert page.get_by_role("heading", name="Your work", level=1).is_visible()
        sections = page.locator(".osr-home-section")
        assert sections.count() >= 3
        for index in range(sections.count()):
            section = sections.nth(index)
            heading = section.locator("h3").inner_text()
            # Every section holds rows of work, not its empty state.
            assert section.locator(".osr-home-empty").count() == 0, f"{role}: {heading} is empty"
        # Nothing makes the page scroll sideways.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"]
        page.context.clear_cookies()  # the next account signs in afresh
