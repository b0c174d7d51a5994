"""A service's sections, visited from its sub-navigation on a wide and a narrow screen."""

import pytest

from ..factories import ComponentFactory, DependencyFactory, ServiceFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])

SECTIONS = [
    ("Readiness", "of the requirements that apply to Flood warnings are satisfied"),
    ("Dependencies", "Flood warnings depends on"),
    ("Operations guide", "Service operations guide"),
    ("Review board", "LV-5"),
    ("MyIT and changes", "Changes raised from developer tooling"),
    ("History", "Phase history"),
    ("Overview", "About the service"),
]


@WIDTHS
def test_visit_every_section_of_a_service(journey, person, users):
    service = ServiceFactory(
        name="Flood warnings", slug="flood", delivery_group=users.own, phase="alpha"
    )
    ComponentFactory(service=service, name="Warnings database")
    DependencyFactory(from_service=service, to_service=ServiceFactory(name="Gov Notify link"))
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services/flood")
    page = journey.page
    nav = page.get_by_role("navigation", name="Sections of Flood warnings")
    for title, shows in SECTIONS:
        nav.get_by_role("link", name=title, exact=True).click()
        journey.check()
        assert page.get_by_role("heading", name="Flood warnings", level=1).is_visible()
        assert nav.get_by_role("link", name=title, exact=True).get_attribute("aria-current") == (
            "page"
        )
        assert shows in page.locator("main").inner_text()
        # The section fits the screen's width: nothing makes the page scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
