"""Reading what changed, in a browser, on a wide and a narrow screen."""

import pytest
from django.utils import timezone

from ..factories import ServiceFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])


def fits(journey) -> None:
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    viewport = journey.page.viewport_size["width"]
    assert width <= viewport, f"{journey.page.url} scrolls sideways: {width}px wide"


@WIDTHS
def test_change_a_service_then_read_its_history(journey, person, users):
    ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    person("osr_manager")
    journey.sign_in("osr_manager")
    journey.go("/services/waste-tracking/edit")
    page = journey.page
    page.get_by_label("Critical", exact=True).check()
    page.locator('[name="critical_reason"]').fill("Tracks hazardous waste")
    page.get_by_role("button", name="Save").click()
    journey.check()

    page.get_by_role("link", name="Change history of Waste tracking").click()
    journey.check()
    fits(journey)
    assert page.get_by_role(
        "heading", name="Change history of Waste tracking", level=1
    ).is_visible()
    changes = page.locator(".osr-history").inner_text()
    assert "Changed service Waste tracking" in changes
    assert "Critical reason" in changes and "Tracks hazardous waste" in changes
    assert "by Osr Manager" in changes
    assert "critical_reason" not in changes

    # The whole trail, narrowed to what this person changed today.
    journey.go("/audit")
    fits(journey)
    page.get_by_label("Changed by").select_option(label="Osr Manager")
    journey.fill_date("since", timezone.localdate())
    page.get_by_role("button", name="Apply filters").click()
    journey.check()
    fits(journey)
    assert f"person={users.osr_manager.pk}" in page.url and "since-day=" in page.url
    assert page.get_by_label("Changed by").input_value() == str(users.osr_manager.pk)
    entries = page.locator(".osr-history > li")
    assert entries.count() >= 1
    for text in entries.all_inner_texts():
        assert "by Osr Manager" in text

    # Nothing matches a person who changed nothing: the page says what to do.
    page.get_by_label("Kind of object").select_option(label="Review board")
    page.get_by_role("button", name="Apply filters").click()
    journey.check()
    assert "No changes match these filters" in page.locator("main").inner_text()
    page.get_by_role("link", name="Clear filters").first.click()
    journey.check()
    assert "person=" not in page.url
