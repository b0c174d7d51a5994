"""Incident contacts and impact read a fixed number of queries, and only the rows they show."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.catalogue.models import Dependency
from osr.graph import incidents, services

from ..factories import DependencyFactory, ServiceFactory
from . import test_incidents

pytestmark = pytest.mark.django_db

estate = test_incidents.estate  # the estate of those tests, as a fixture here too


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def _changes(live) -> dict[str, list[str]]:
    result = services.incidents(live, now=timezone.now())
    return {c.service.slug: [ch.what for ch in c.changes] for c in result.contacts}


def test_removals_elsewhere_in_the_estate_are_not_listed_however_many(estate):
    others = [ServiceFactory(slug=f"elsewhere-{n}", phase="alpha") for n in range(6)]
    for source, target in zip(others, others[1:], strict=False):
        DependencyFactory(from_service=source, to_service=target).delete()
    estate["indirect"].dependencies.get().delete()  # pilot → new-app: named by the removal
    changes = _changes(estate["live"])
    assert changes["new-app"] == ["Removed dependency Pilot → New app"]
    assert not any("Elsewhere" in what for listed in changes.values() for what in listed)


def test_many_services_read_every_removal_and_find_the_same(estate, monkeypatch):
    estate["indirect"].dependencies.get().delete()
    other = ServiceFactory(slug="elsewhere", phase="alpha")
    DependencyFactory(from_service=other, to_service=estate["live_user"]).delete()
    narrowed = _changes(estate["live"])
    monkeypatch.setattr(incidents, "NARROWED_UP_TO", 0)
    assert _changes(estate["live"]) == narrowed


def test_a_removal_recorded_with_numbers_is_found(estate):
    # Where changes are stored as JSON, a removal keeps the service's id as a number.
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Dependency),
        object_pk="999999",
        object_id=999999,
        object_repr="Shared maps → Warnings",
        action=LogEntry.Action.DELETE,
        changes={
            "from_service": [estate["sharer"].pk, None],
            "to_service": [estate["live"].pk, None],
        },
    )
    assert _changes(estate["live"])["shared-maps"] == ["Removed dependency Shared maps → Warnings"]


def test_incident_contacts_cost_the_same_queries_for_one_or_many_contacts(api, page, estate):
    token, client = api("viewer"), page("viewer")
    # A recent change at both sizes: the rows it names are read as well.
    DependencyFactory(from_service=estate["indirect"], to_service=estate["live"])
    calls = {
        "api": lambda: token.get("/api/v1/services/warnings/incident-contacts"),
        "page": lambda: client.get("/services/warnings/incident-contacts"),
    }
    for call in calls.values():
        call()
    few = {name: queries(call) for name, call in calls.items()}
    for n in range(8):
        consumer = ServiceFactory(
            slug=f"consumer-{n}",
            phase="private_beta" if n % 2 else "alpha",
            delivery_group=estate["live"].delivery_group,
            delivery_team=estate["live"].delivery_team,
        )
        DependencyFactory(from_service=consumer, to_service=estate["live"])
    for call in calls.values():
        call()  # the graph's new version read once
    many = {name: queries(call) for name, call in calls.items()}
    assert many == few
    body = token.get("/api/v1/services/warnings/incident-contacts").json()
    assert len(body["services"]) == 4 + 8
    assert all(s["delivery_group"] == "Floods" for s in body["services"])


@pytest.mark.parametrize("answer", ["impact", "incident-contacts"])
def test_the_graphs_version_is_read_with_the_service_an_answer_is_about(api, estate, answer):
    token = api("viewer")
    path = f"/api/v1/services/warnings/{answer}"
    token.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert token.get(path).status_code == 200
    reading = [q["sql"] for q in captured.captured_queries if "graph_graphversion" in q["sql"]]
    assert len(reading) == 1 and '"catalogue_service"."slug" =' in reading[0], reading
    # A dependency added since is in the next answer: the version read with the
    # service is the one the write left.
    consumer = ServiceFactory(slug="new-consumer", delivery_group=estate["live"].delivery_group)
    DependencyFactory(from_service=consumer, to_service=estate["live"])
    assert "new-consumer" in token.get(path).text
