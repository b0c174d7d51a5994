"""Changes across the estate (page and API), changes coming to a live service, and suspects."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from osr.devtools import services
from osr.devtools.choices import ChangeRoute
from osr.devtools.hosts import Delivery
from osr.devtools.models import ChangeRequest

from ..factories import DeliveryGroupFactory, DependencyFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(users):
    """Payments (live, critical) needs ledger, which needs waste; reporting (live) needs ledger
    too; maps is on its own in another group."""
    waste = ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    ledger = ServiceFactory(name="Ledger", slug="ledger", delivery_group=users.own)
    payments = ServiceFactory(
        name="Farming payments", slug="farming-payments", phase="live", critical=True
    )
    reporting = ServiceFactory(name="Reporting", slug="reporting", phase="live")
    maps = ServiceFactory(
        name="Maps", slug="maps", delivery_group=DeliveryGroupFactory(slug="geo", name="Geo")
    )
    DependencyFactory(from_service=ledger, to_service=waste)
    DependencyFactory(from_service=payments, to_service=ledger, carries_live_data=True)
    DependencyFactory(from_service=reporting, to_service=ledger)
    return {s.slug: s for s in (waste, ledger, payments, reporting, maps)}


def record(service, users, summary: str, *, days_ago: float = 0) -> ChangeRequest:
    """A deployment of ``service`` as its code host reports it (not yet raised in MyIT)."""
    integration = (
        service.devtools_integrations.first()
        or services.create_integration(
            service, host="github", name=f"{service.slug} pipeline", component=None, by=users.admin
        )[0]
    )
    change, _ = services.receive_delivery(
        integration, Delivery(str(uuid.uuid4()), "deployment", summary)
    )
    if days_ago:
        change.received_at = timezone.now() - dt.timedelta(days=days_ago)
        change.save(update_fields=["received_at"])
    return change


def test_page_lists_changes_with_what_they_could_affect(page, estate, users):
    record(estate["waste-tracking"], users, "Deploy waste 1.4")
    record(estate["maps"], users, "Deploy maps 2.0")

    body = page("viewer").get("/changes").content.decode()

    assert "2 changes" in body
    assert "Deploy waste 1.4" in body and "Deploy maps 2.0" in body
    assert "2 live, 1 critical" in body
    assert "Farming payments</a> (critical)" in body


def test_page_filters_by_group_affected_live_service_and_route(page, estate, users):
    record(estate["waste-tracking"], users, "Deploy waste 1.4")
    record(estate["ledger"], users, "Deploy ledger 3.1")
    record(estate["maps"], users, "Deploy maps 2.0")
    client = page("viewer")

    by_group = client.get("/changes", {"group": "geo"}).content.decode()
    affecting = client.get("/changes", {"affects": "farming-payments"}).content.decode()
    standard = client.get("/changes", {"route": "standard"}).content.decode()

    assert "1 change<" in by_group and "Deploy maps 2.0" in by_group
    assert "2 changes" in affecting and "Deploy maps" not in affecting
    assert "0 changes" in standard


def test_page_shows_an_error_summary_for_a_service_that_is_not_live(page, estate):
    response = page("viewer").get("/changes", {"affects": "maps", "route": "sideways"})

    assert response.status_code == 422
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Maps is not live: choose a live service" in body
    assert 'value="maps"' in body  # what was typed is kept


def test_page_loads_in_fixed_queries(page, estate, users, django_assert_max_num_queries):
    for number in range(12):
        record(estate["waste-tracking"], users, f"Deploy waste 1.{number}")
    client = page("viewer")

    with django_assert_max_num_queries(12):
        response = client.get("/changes", {"affects": "farming-payments"})

    assert response.content.decode().count("Deploy waste 1.") == 12


def test_api_lists_changes_with_their_blast_radius_and_filters(api, estate, users):
    record(estate["waste-tracking"], users, "Deploy waste 1.4")
    record(estate["maps"], users, "Deploy maps 2.0")
    client = api("viewer")

    everything = client.get("/api/v1/changes").json()
    affecting = client.get("/api/v1/changes", affects="reporting").json()

    assert everything["count"] == 2
    assert [c["summary"] for c in affecting["results"]] == ["Deploy waste 1.4"]
    [change] = affecting["results"]
    assert change["route"] == ChangeRoute.NORMAL
    assert change["blast_radius"]["live"] == 2
    assert change["blast_radius"]["live_services"][0]["slug"] == "farming-payments"


def test_api_refuses_unknown_filters_with_field_errors(api, estate):
    response = api("viewer").get("/api/v1/changes", group="nowhere", route="sideways")

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"group", "route"}


def test_api_list_loads_in_fixed_queries(api, estate, users, django_assert_max_num_queries):
    for number in range(12):
        record(estate["ledger"], users, f"Deploy ledger 3.{number}")
    client = api("viewer")

    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/changes", affects="farming-payments")

    assert response.json()["count"] == 12


def test_live_service_shows_changes_coming_that_could_affect_it(page, estate, users):
    record(estate["waste-tracking"], users, "Deploy waste 1.4")
    record(estate["maps"], users, "Deploy maps 2.0")
    record(estate["ledger"], users, "Deploy ledger 2.9", days_ago=20)

    body = page("viewer").get("/services/farming-payments/dependencies").content.decode()

    coming = body.split('id="coming-changes"')[1]
    assert "Deploy waste 1.4" in coming
    assert "Deploy maps" not in coming and "Deploy ledger 2.9" not in coming
    assert 'href="/changes?affects=farming-payments"' in coming


def test_suspects_put_direct_dependencies_first_then_live_data_then_the_latest(page, estate, users):
    record(estate["waste-tracking"], users, "Deploy waste 1.4", days_ago=0.1)
    record(estate["ledger"], users, "Deploy ledger 3.1", days_ago=2)
    record(estate["ledger"], users, "Deploy ledger 3.2", days_ago=1)
    record(estate["ledger"], users, "Deploy ledger 2.0", days_ago=15)

    body = page("viewer").get("/services/farming-payments/incident-contacts").content.decode()

    suspects = body.split('id="suspect-changes"')[1].split("Copy into the incident channel")[0]
    order = [suspects.find(s) for s in ("ledger 3.2", "ledger 3.1", "waste 1.4")]
    assert -1 not in order and order == sorted(order)
    assert "ledger 2.0" not in suspects
    assert "a direct dependency; feeds it live data" in suspects
    assert "needed through 1 other service" in suspects
