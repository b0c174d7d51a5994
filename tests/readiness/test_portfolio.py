"""The portfolio page and GET /api/v1/readiness: counts, filters, the queue, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..factories import (
    ComponentFactory,
    ContractFactory,
    DeliveryGroupFactory,
    ServiceFactory,
    SupplierFactory,
)
from .factories import EvidenceFactory, WaiverFactory

pytestmark = pytest.mark.django_db


def add_services(group, count, start=0):
    for n in range(start, start + count):
        service = ServiceFactory(
            name=f"Service {n:03d}",
            delivery_group=group,
            phase="private_beta",
            uses_live_data=n % 2 == 0,
        )
        for requirement_id in ["LD-1", "PB-2", "PB-4"]:
            EvidenceFactory(service=service, requirement_id=requirement_id)
        EvidenceFactory(
            service=service, requirement_id="AS-1", status="verified", reviewed_at=timezone.now()
        )
        WaiverFactory(service=service)
        supplier = SupplierFactory()
        component = ComponentFactory(service=service, supplier=supplier)
        ContractFactory(supplier=supplier).components.add(component)
        service.move_to("alpha", by=None)


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_page_and_api_queries_do_not_grow_with_the_portfolio(page, api, users):
    client, token = page("osr_manager"), api("osr_manager")
    add_services(users.own, 3)
    few_page = queries(lambda: client.get("/readiness"))
    few_api = queries(lambda: token.get("/api/v1/readiness"))
    add_services(users.own, 27, start=3)
    assert queries(lambda: client.get("/readiness")) == few_page
    assert queries(lambda: token.get("/api/v1/readiness")) == few_api
    assert token.get("/api/v1/readiness").json()["count"] == 30


def test_the_page_counts_ready_blocked_and_overdue(page, users):
    ServiceFactory(name="Ready one", delivery_group=users.own, phase="discovery")
    ServiceFactory(name="Blocked one", delivery_group=users.own, phase="private_beta")
    overdue = ServiceFactory(name="Overdue one", delivery_group=users.own, uses_live_data=True)
    overdue.__class__.objects.filter(pk=overdue.pk).update(live_data_since="2020-01-01")
    html = page("osr_manager").get("/readiness").content.decode()
    assert 'data-count="services">3<' in html
    assert 'data-count="ready">1<' in html
    assert 'data-count="blocked">2<' in html
    assert 'data-count="overdue">1<' in html
    overdue_only = page("osr_manager").get("/readiness?show=overdue").content.decode()
    assert "Overdue one" in overdue_only and "Ready one" not in overdue_only


def test_filters_by_group_and_phase(page, api, users):
    ServiceFactory(name="Own alpha", delivery_group=users.own, phase="alpha")
    ServiceFactory(name="Own live", delivery_group=users.own, phase="live")
    ServiceFactory(name="Other alpha", delivery_group=users.other, phase="alpha")
    html = page("viewer").get("/readiness?group=farming&phase=alpha").content.decode()
    assert "Own alpha" in html and "Own live" not in html and "Other alpha" not in html
    body = api("viewer").get("/api/v1/readiness", group="environment").json()
    assert [row["name"] for row in body["results"]] == ["Other alpha"]
    assert api("viewer").get("/api/v1/readiness", phase="nowhere").status_code == 422


def test_the_api_pages_through_the_portfolio(api, users):
    for n in range(5):
        ServiceFactory(name=f"S{n}", delivery_group=users.own)
    first = api("viewer").get("/api/v1/readiness", page_size=2).json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert "page=2" in first["next"] and first["previous"] is None
    row = first["results"][0]
    assert set(row) == {
        "service",
        "name",
        "delivery_group",
        "phase",
        "policy_version",
        "next_phase",
        "ready_for_next_phase",
        "percent",
        "gates",
        "live_data_flagged",
        "live_data_overdue",
        "blockers",
    }
    assert [g["id"] for g in row["gates"]] == ["live-data", "before-public-beta", "before-live"]


def test_the_queue_shows_the_osr_managers_own_groups_awaiting_verification(page, users):
    mine = ServiceFactory(name="Mine", delivery_group=users.own)
    theirs = ServiceFactory(name="Theirs", delivery_group=users.other)
    EvidenceFactory(service=mine, requirement_id="AS-2")
    EvidenceFactory(service=theirs, requirement_id="AS-5")
    EvidenceFactory(service=mine, requirement_id="AS-1", status="verified")
    html = page("osr_manager").get("/readiness").content.decode()
    queue = html.split('id="awaiting-verification"')[1].split('id="gaps"')[0]
    assert "Awaiting verification (1)" in queue
    assert "AS-2" in queue and "AS-5" not in queue and "AS-1" not in queue
    everyone = page("admin").get("/readiness").content.decode()
    assert "Awaiting verification (2)" in everyone


def test_delivery_groups_with_gaps_are_listed(page, users):
    DeliveryGroupFactory(name="Marine", slug="marine")
    html = page("viewer").get("/readiness").content.decode()
    gaps = html.split('id="gaps"')[1]
    assert "Marine" in gaps and "Environment" in gaps and "Farming" not in gaps


def test_the_portfolio_is_in_the_navigation(page, users):
    html = page("viewer").get("/services").content.decode()
    assert 'href="/readiness"' in html
