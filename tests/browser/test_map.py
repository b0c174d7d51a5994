"""The dependency map of the demo estate, in a browser, on a wide and a narrow screen."""

import datetime as dt

import pytest

from osr.catalogue.demo import load_estate
from osr.catalogue.models import ExternalSystem, Service

from ..conftest import make_user
from .conftest import SHOTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])
DRAWN = "() => window.osrDependencyMap && window.osrDependencyMap.nodes().length"
# Where each drawn node is on the screen, relative to the map's box.
ON_SCREEN = """() => {
  const cy = window.osrDependencyMap;
  const width = cy.width(), height = cy.height();
  const nodes = cy.nodes().map((n) => n.renderedBoundingBox());
  return {
    count: nodes.length,
    inside: nodes.filter((b) => b.x1 >= 0 && b.y1 >= 0 && b.x2 <= width && b.y2 <= height).length,
    focus: cy.nodes(".focus").map((n) => n.data("name")),
    zoom: cy.zoom(),
  };
}"""


def keep_map(journey, what: str) -> None:
    """Keep a picture of the map alone, at full size, for people to read its labels."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    journey.page.locator("#dependency-map").screenshot(path=SHOTS / f"{journey.name}-{what}.png")


@pytest.fixture
def estate(db):
    """The demo estate and a viewer (not the shared ``users``, whose groups it would clash with)."""
    load_estate(today=dt.date(2025, 6, 2))
    viewer = make_user("viewer", "viewer")
    viewer.set_password("journey-password")
    viewer.save()
    return Service.objects.count() + ExternalSystem.objects.count()


@WIDTHS
def test_map_of_the_estate_and_of_one_service(journey, estate):
    journey.sign_in("viewer")
    page = journey.page

    journey.go("/dependency-map")
    assert page.wait_for_function(DRAWN).json_value() == estate
    keep_map(journey, "estate")
    shown = page.evaluate(ON_SCREEN)
    if page.viewport_size["width"] >= 1280:
        # The whole estate is in the first view, at a zoom its names can be read at.
        assert shown["inside"] == estate and shown["zoom"] >= 0.8

    # A name nobody has is a mistake in the form, not a missing page.
    page.get_by_role("combobox", name="Service").fill("Nothing by this name")
    page.get_by_role("button", name="Show").click()
    journey.check()
    assert "Nothing by this name" in page.locator(".govuk-error-summary").inner_text()

    # The suggestions are the services' names; one of them is chosen.
    options = page.locator("#service-names option").evaluate_all("os => os.map(o => o.value)")
    assert "Get a rod fishing licence" in options
    page.get_by_role("combobox", name="Service").fill("Get a rod fishing licence")
    page.get_by_role("button", name="Show").click()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Dependency map of Get a rod fishing licence"
    )
    page.wait_for_function(DRAWN)
    keep_map(journey, "neighbourhood")
    shown = page.evaluate(ON_SCREEN)
    assert shown["focus"] == ["Get a rod fishing licence"]
    assert 1 < shown["count"] < estate
    assert page.locator(".osr-map-key").get_by_text("the service in focus").is_visible()

    # Zoom in, then Fit brings every node back into view.
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Fit").click()
    shown = page.evaluate(ON_SCREEN)
    assert shown["inside"] == shown["count"]

    # Fit from the keyboard too, on the whole estate.
    journey.go("/dependency-map")
    page.wait_for_function(DRAWN)
    page.locator("#dependency-map").focus()
    page.keyboard.press("0")
    shown = page.evaluate(ON_SCREEN)
    assert shown["inside"] == shown["count"] == estate
    journey.check()
