"""The services API: create, read, update, delete, search and errors."""

import pytest

from osr.catalogue.models import Service

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_delivery_member_registers_service_in_own_group(api, users):
    response = api("delivery").post(
        "/api/v1/services",
        {"name": "Waste tracking", "slug": "waste-tracking", "delivery_group": "farming"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "waste-tracking"
    assert body["delivery_group"] == "farming"
    assert body["phase"] == "discovery"
    service = Service.objects.get(slug="waste-tracking")
    assert service.phase_changes.get().to_phase == "discovery"


def test_delivery_member_cannot_register_service_in_another_group(api, users):
    response = api("delivery").post(
        "/api/v1/services",
        {"name": "Waste tracking", "slug": "waste-tracking", "delivery_group": "environment"},
    )
    assert response.status_code == 403
    assert not Service.objects.exists()


def test_request_without_token_is_refused(api, users):
    assert api().get("/api/v1/services").status_code == 401


def test_invalid_input_gets_field_errors(api, users):
    response = api("admin").post(
        "/api/v1/services", {"name": "", "slug": "not a slug", "delivery_group": "nowhere"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) >= {"name", "slug", "delivery_group"}


def test_duplicate_slug_is_a_conflict(api, users):
    ServiceFactory(slug="waste-tracking", delivery_group=users.own)
    response = api("admin").post(
        "/api/v1/services", {"name": "Again", "slug": "waste-tracking", "delivery_group": "farming"}
    )
    assert response.status_code == 409


def test_patch_changes_only_given_fields(api, users):
    ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own, critical=False)
    response = api("osr_manager").patch(
        "/api/v1/services/flood", {"critical": True, "critical_reason": "Protects life"}
    )
    assert response.status_code == 200, response.json()
    service = Service.objects.get(slug="flood")
    assert service.critical and service.name == "Flood warnings"


def test_list_filters_and_pages(api, users):
    for n in range(3):
        ServiceFactory(name=f"Alpha {n}", delivery_group=users.own, phase="alpha")
    ServiceFactory(name="Live one", delivery_group=users.other, phase="live")
    body = api("viewer").get("/api/v1/services", phase="alpha", page_size=2).json()
    assert body["count"] == 3
    assert [s["name"] for s in body["results"]] == ["Alpha 0", "Alpha 1"]
    assert body["next"].endswith("page=2") or "page=2" in body["next"]
    body = api("viewer").get("/api/v1/services", q="live").json()
    assert [s["name"] for s in body["results"]] == ["Live one"]


def test_phase_move_is_recorded(api, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = api("delivery").post("/api/v1/services/flood/phase", {"phase": "alpha"})
    assert response.status_code == 200, response.json()
    assert Service.objects.get(slug="flood").phase == "alpha"
    change = Service.objects.get(slug="flood").phase_changes.first()
    assert change.changed_by == users.delivery
