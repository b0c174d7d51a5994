"""The catalogue pages as a signed-in person uses them."""

import datetime as dt

import pytest
from django.test import Client

from osr.catalogue.models import Service, Supplier

from ..factories import (
    ComponentFactory,
    ContractFactory,
    DependencyFactory,
    ExternalSystemFactory,
    ServiceFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_pages_need_sign_in(users):
    response = Client().get("/services")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=/services")


def test_home_page_says_what_osr_is_for(users):
    body = text(Client().get("/"))
    assert "safe, secure and supportable" in body


def test_sign_in_with_wrong_password_shows_error_summary(users):
    users.viewer.set_password("right-password")
    users.viewer.save()
    response = Client().post("/sign-in", {"username": "viewer", "password": "wrong"})
    assert response.status_code == 422
    assert "There is a problem" in text(response)
    response = Client().post("/sign-in", {"username": "viewer", "password": "right-password"})
    assert response.status_code == 302


def test_service_list_searches_filters_and_pages(page, users):
    for n in range(30):
        ServiceFactory(name=f"Flood service {n:02d}", delivery_group=users.own, phase="alpha")
    ServiceFactory(
        name="Rod fishing licence", delivery_group=users.other, phase="live", critical=True
    )
    client = page("viewer")

    first = text(client.get("/services", {"q": "flood"}))
    assert "30 services matching ‘flood’" in first
    assert "Flood service 00" in first and "Flood service 29" not in first
    second = text(client.get("/services", {"q": "flood", "page": 2}))
    assert "Flood service 29" in second

    live = text(client.get("/services", {"phase": "live"}))
    assert "Rod fishing licence" in live and "Flood service" not in live
    by_group = text(client.get("/services", {"delivery_group": "environment"}))
    assert "Rod fishing licence" in by_group and "Flood service" not in by_group
    critical = text(client.get("/services", {"critical": "true"}))
    assert "Rod fishing licence" in critical and "Flood service" not in critical


def test_empty_list_says_so(page, users):
    body = text(page("viewer").get("/services", {"q": "nothing like this"}))
    assert "No services match" in body


def test_delivery_member_registers_a_service(page, users):
    response = page("delivery").post(
        "/services/add",
        {
            "name": "Waste tracking",
            "slug": "waste-tracking",
            "delivery_group": "farming",
            "support_hours": "business_hours",
            "support_contact_email": "waste@defra.example",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/services/waste-tracking"
    service = Service.objects.get(slug="waste-tracking")
    assert service.phase == "discovery"
    body = text(page("viewer").get("/services/waste-tracking"))
    assert "waste@defra.example" in body
    assert "Registered in" in text(page("viewer").get("/services/waste-tracking/history"))


def test_bad_input_shows_error_summary_and_saves_nothing(page, users):
    response = page("delivery").post(
        "/services/add",
        {"name": "", "slug": "not a slug", "delivery_group": "farming", "critical": "on"},
    )
    assert response.status_code == 422
    body = text(response)
    assert "There is a problem" in body
    assert 'href="#id_name"' in body and "Enter name" in body
    assert "Enter why the service is critical" in body
    assert not Service.objects.exists()


def test_slug_never_changes_on_edit(page, users):
    ServiceFactory(slug="flood", name="Flood", delivery_group=users.own)
    response = page("delivery").post(
        "/services/flood/edit",
        {
            "name": "Flood warnings",
            "slug": "changed",
            "delivery_group": "farming",
            "support_hours": "24_7",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(slug="flood")
    assert service.name == "Flood warnings" and service.support_hours == "24_7"


def test_outsider_cannot_edit_another_groups_service(page, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    assert page("outsider").get("/services/flood/edit").status_code == 403
    assert page("viewer").get("/services/add").status_code == 403


def test_delete_asks_for_confirmation_first(page, users):
    ServiceFactory(slug="flood", name="Flood", delivery_group=users.own)
    client = page("osr_manager")
    confirm = client.get("/services/flood/delete")
    assert "Are you sure you want to delete Flood?" in text(confirm)
    assert Service.objects.filter(slug="flood").exists()
    assert client.post("/services/flood/delete").status_code == 302
    assert not Service.objects.filter(slug="flood").exists()


def test_deleting_a_supplier_in_use_is_refused_with_a_message(page, users):
    supplier = SupplierFactory(name="Capgemini", slug="capgemini")
    ComponentFactory(supplier=supplier)
    response = page("admin").post("/suppliers/capgemini/delete")
    assert response.status_code == 409
    assert "still used by" in text(response)
    assert Supplier.objects.filter(slug="capgemini").exists()


def test_service_page_shows_components_contracts_and_dependencies(page, users):
    today = dt.date.today()
    service = ServiceFactory(name="Waste tracking", slug="waste", delivery_group=users.own)
    supplier = SupplierFactory(name="Kainos")
    component = ComponentFactory(service=service, name="Waste API", supplier=supplier)
    current = ContractFactory(
        supplier=supplier, reference="K-NOW", start_date=today, end_date=today
    )
    expired = ContractFactory(
        supplier=supplier,
        reference="K-OLD",
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=30),
    )
    current.components.add(component)
    expired.components.add(component)
    live = ServiceFactory(name="Defra ID", phase="live", delivery_group=users.other)
    DependencyFactory(from_service=service, to_service=live, carries_live_data=True)
    DependencyFactory(
        from_service=service,
        to_service=None,
        to_external=ExternalSystemFactory(name="GOV.UK Notify"),
    )
    DependencyFactory(from_service=ServiceFactory(name="Report an incident"), to_service=service)

    body = text(page("viewer").get("/services/waste"))
    assert "Waste API" in body and "Kainos" in body
    assert "K-NOW" in body and "K-OLD" in body and "Not current" in body
    body = text(page("viewer").get("/services/waste/dependencies"))
    assert "Defra ID" in body and "carries live data" in body and "GOV.UK Notify" in body
    assert "Report an incident" in body  # depends on this service


def test_group_page_lists_services_by_phase_and_shows_gaps(page, users):
    ServiceFactory(name="Rural Payments", phase="live", delivery_group=users.other)
    body = text(page("viewer").get("/delivery-groups/environment"))
    assert "Rural Payments" in body
    assert "Live (1)" in body
    assert "No OSR manager" in body or "no osr manager" in body


def test_admin_site_is_for_administrators_only(page, users):
    assert page("viewer").get("/admin/").status_code == 302
    assert page("admin").get("/admin/").status_code == 200


def test_phase_page_moves_a_service(page, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = page("delivery").post("/services/flood/phase", {"phase": "alpha", "reason": "Ready"})
    assert response.status_code == 302
    assert Service.objects.get(slug="flood").phase == "alpha"
    assert "Discovery → Alpha" in text(page("viewer").get("/services/flood/history"))
