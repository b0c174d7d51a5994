"""Editing what is already in the catalogue, in a browser, on a wide and a narrow screen."""

import pytest

from osr.catalogue.models import Service

from ..factories import ServiceFactory, TeamFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])


@pytest.fixture
def waste(users):
    team = TeamFactory(name="Waste team", slug="waste-team", delivery_group=users.own)
    return ServiceFactory(
        name="Waste tracking",
        slug="waste-tracking",
        delivery_group=users.own,
        delivery_team=team,
        description="Tracks waste from producer to disposal",
    )


@WIDTHS
def test_save_a_service_unchanged(journey, person, waste):
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services/waste-tracking")
    journey.page.get_by_role("button", name="Edit", exact=True).click()
    journey.check()
    page = journey.page
    # The form shows what the service holds, drop-downs included.
    assert page.get_by_label("Delivery group").input_value() == "farming"
    assert page.get_by_label("Delivery team (optional)").input_value() == "waste-team"
    page.get_by_role("button", name="Save").click()
    journey.check()
    assert "saved" in page.locator(".govuk-notification-banner").inner_text()
    waste.refresh_from_db()
    assert waste.delivery_team.slug == "waste-team"


@WIDTHS
def test_change_a_service_keeps_what_was_not_changed(journey, person, waste):
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services/waste-tracking/edit")
    page = journey.page
    page.get_by_label("Description (optional)").fill("Tracks every load of waste")
    page.get_by_role("button", name="Save").click()
    journey.check()
    assert page.get_by_role("heading", name="Waste tracking", level=1).is_visible()
    service = Service.objects.get(slug="waste-tracking")
    assert service.description == "Tracks every load of waste"
    assert service.delivery_group.slug == "farming"
    assert service.delivery_team.slug == "waste-team"
