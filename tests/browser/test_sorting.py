"""Sorting the services list by its column headers, on a wide and a narrow screen."""

from urllib.parse import parse_qs, urlsplit

import pytest

from ..factories import DeliveryGroupFactory, ServiceFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])

# Made out of phase order and out of alphabetical order, so either shows.
PHASES = {
    "Crop payments": "live",
    "Animal movements": "alpha",
    "Boat licences": "retired",
    "Dog imports": "discovery",
    "Egg grading": "public_beta",
}


@pytest.fixture
def estate(users):
    for name, phase in PHASES.items():
        ServiceFactory(name=name, phase=phase, delivery_group=users.own)
    ServiceFactory(name="Another group's service", delivery_group=DeliveryGroupFactory())


def shown(page) -> list[str]:
    return page.locator(".govuk-table tbody tr td:first-child").all_inner_texts()


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@WIDTHS
def test_sort_the_services_by_phase_keeping_the_filter(journey, person, users, estate):
    person("viewer")
    journey.sign_in("viewer")
    journey.go("/services")
    page = journey.page
    page.get_by_label("Delivery group").select_option(users.own.slug)
    page.get_by_role("button", name="Apply filters").click()
    journey.check()
    assert shown(page) == sorted(PHASES)

    page.get_by_role("link", name="Phase", exact=True).click()
    journey.check()
    by_phase = ["Dog imports", "Animal movements", "Egg grading", "Crop payments", "Boat licences"]
    assert shown(page) == by_phase
    assert query_of(page)["sort"] == ["phase"]
    assert query_of(page)["delivery_group"] == [users.own.slug]
    phase = page.get_by_role("columnheader", name="Phase")
    assert phase.get_attribute("aria-sort") == "ascending"
    assert page.get_by_role("columnheader", name="Service").get_attribute("aria-sort") == "none"

    # The same header turns the order round.
    page.get_by_role("link", name="Phase", exact=True).click()
    journey.check()
    assert shown(page) == by_phase[::-1]
    assert query_of(page)["sort"] == ["-phase"]
    assert query_of(page)["delivery_group"] == [users.own.slug]
    assert phase.get_attribute("aria-sort") == "descending"

    # Filtering again keeps the order.
    page.get_by_label("Search").fill("o")
    page.get_by_role("button", name="Apply filters").click()
    journey.check()
    assert query_of(page)["sort"] == ["-phase"]
    assert query_of(page)["delivery_group"] == [users.own.slug]
    assert shown(page) == ["Boat licences", "Crop payments", "Animal movements", "Dog imports"]

    # The page itself never scrolls sideways: a wide table scrolls in its own region.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
