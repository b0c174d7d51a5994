"""Changes and their blast radius in a browser: the estate's list, a live service, an incident."""

import uuid

import pytest

from osr.devtools import services
from osr.devtools.hosts import Delivery

from ..factories import DependencyFactory, PersonFactory, ServiceFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])


@pytest.fixture
def deployed(users, person):
    """Waste tracking feeds live data to the critical Farming payments; it was just deployed."""
    person("viewer")
    waste = ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    payments = ServiceFactory(
        name="Farming payments",
        slug="farming-payments",
        phase="live",
        critical=True,
        delivery_group=users.other,
        service_owner=PersonFactory(name="Owen Owner", email="owen@defra.example"),
    )
    DependencyFactory(from_service=payments, to_service=waste, carries_live_data=True)
    integration, _ = services.create_integration(
        waste, host="github", name="waste pipeline", component=None, by=users.admin
    )
    services.receive_delivery(
        integration, Delivery(str(uuid.uuid4()), "deployment", "Deploy waste tracking 1.4")
    )
    return payments


@WIDTHS
def test_changes_across_the_estate_to_the_incident_that_suspects_one(journey, deployed):
    journey.sign_in("viewer")
    page = journey.page

    journey.go("/changes")
    table = page.locator("table.govuk-table")
    assert "Deploy waste tracking 1.4" in table.inner_text()
    assert "1 live, 1 critical" in table.inner_text()

    # A service that is not live is a mistake in the filter, said at the top of the page.
    page.get_by_label("Affected live service").fill("waste-tracking")
    page.get_by_role("button", name="Apply filters").click()
    journey.check()
    summary = page.locator(".govuk-error-summary")
    assert "Waste tracking is not live" in summary.inner_text()
    assert page.get_by_label("Affected live service").input_value() == "waste-tracking"

    page.get_by_label("Affected live service").fill("farming-payments")
    page.get_by_role("button", name="Apply filters").click()
    journey.check()
    assert page.get_by_role("status").first.inner_text() == "1 change"

    journey.go("/services/farming-payments/dependencies")
    coming = page.locator("#coming-changes + p + ul")
    assert "Deploy waste tracking 1.4" in coming.inner_text()

    journey.go("/services/farming-payments/incident-contacts")
    suspects = page.locator("ol li.osr-suspect")
    assert suspects.count() == 1
    text = suspects.first.inner_text()
    assert "Waste tracking" in text and "a direct dependency; feeds it live data" in text
