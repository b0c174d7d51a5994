"""What people do with OSR, end to end in a browser."""

import datetime as dt
import re

import pytest

from osr.catalogue.models import Service

from ..factories import DependencyFactory, ServiceFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_register_a_service(journey, person, users):
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services")
    journey.page.get_by_role("button", name="Add service").click()
    journey.check()
    page = journey.page
    page.get_by_label("Name", exact=True).fill("Waste tracking")
    page.get_by_label("Slug").fill("waste-tracking")
    page.get_by_label("Delivery group").select_option("farming")
    page.get_by_label("Support contact email (optional)").fill("waste@defra.example")
    page.get_by_role("button", name="Save").click()
    journey.check()
    assert page.get_by_role("heading", name="Waste tracking", level=1).is_visible()
    assert Service.objects.get(slug="waste-tracking").delivery_group == users.own


def test_a_mistake_on_the_form_is_explained(journey, person, users):
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services/add")
    journey.page.get_by_role("button", name="Save").click()
    journey.check()
    summary = journey.page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert "Enter name" in summary.inner_text()


def test_submit_and_verify_evidence(journey, person, users):
    ServiceFactory(
        name="Waste tracking",
        slug="waste-tracking",
        delivery_group=users.own,
        uses_live_data=True,
        live_data_since=dt.date.today(),
    )
    person("delivery")
    person("osr_manager")
    journey.sign_in("delivery")
    journey.go("/services/waste-tracking/readiness/LD-1/evidence")
    page = journey.page
    page.get_by_label("Attestation").fill("The security assurance pack was completed.")
    page.get_by_label("Security assurance pack version").fill("1.0")
    journey.fill_date("pack_date", dt.date.today())
    page.get_by_role("button", name="Submit evidence").click()
    journey.check()
    assert "Submitted" in page.content() or "submitted" in page.content()
    journey.sign_out()

    journey.sign_in("osr_manager")
    journey.go("/services/waste-tracking/readiness/LD-1")
    page.get_by_role("link", name="Verify").first.click()
    journey.check()
    page.get_by_role("button", name="Verify").click()
    journey.check()
    assert "Met" in page.content()


def test_a_blocked_phase_move_lists_its_blockers(journey, person, users):
    ServiceFactory(name="Rural Payments", slug="rural-payments", delivery_group=users.own)
    Service.objects.filter(slug="rural-payments").update(phase="public_beta")
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services/rural-payments")
    journey.page.get_by_role("link", name="Change phase").click()
    journey.check()
    journey.page.get_by_label("Phase").select_option("live")
    journey.page.get_by_role("button", name="Change phase").click()
    journey.check()
    summary = journey.page.locator(".govuk-error-summary").inner_text()
    assert "LV-5" in summary
    journey.page.locator(".govuk-error-summary a", has_text="LV-5").first.click()
    journey.check()
    assert Service.objects.get(slug="rural-payments").phase == "public_beta"


def test_look_up_incident_contacts_for_a_live_service(journey, person, users):
    live = ServiceFactory(
        name="Defra ID", slug="defra-id", phase="live", delivery_group=users.other
    )
    developing = ServiceFactory(
        name="Waste tracking",
        slug="waste-tracking",
        phase="alpha",
        delivery_group=users.own,
        support_contact_email="waste-support@defra.example",
    )
    DependencyFactory(from_service=developing, to_service=live)
    person("viewer")
    journey.sign_in("viewer")
    journey.go("/services/defra-id/incident-contacts")
    body = journey.page.content()
    assert "Waste tracking" in body
    assert "waste-support@defra.example" in body


def test_run_a_review_board_to_an_amber_outcome(journey, person, held, owner):
    person("osr_manager")  # the board's chair
    journey.sign_in("osr_manager")
    journey.go(held.board.get_absolute_url())
    journey.go(f"{held.item.get_absolute_url()}/outcome")
    page = journey.page
    page.get_by_label("Amber: approved with conditions").check()
    page.locator('[name="summary"]').fill("Operable, once alerting is in place.")
    page.locator('[name="conditions-0-description"]').fill("Add alerting on failed payments")
    page.locator('[name="conditions-0-owner"]').select_option(str(owner.pk))
    journey.fill_date("conditions-0-due_on", dt.date.today() + dt.timedelta(days=30))
    page.get_by_role("button", name=re.compile("Record")).click()
    journey.check()
    assert "Amber" in page.content()
    journey.go("/actions")
    assert "Add alerting on failed payments" in page.content()


def test_generate_and_download_an_operations_guide(journey, person, users):
    from ..guides.conftest import make_complete_service

    service = make_complete_service(users.own)
    person("delivery")
    journey.sign_in("delivery")
    journey.go(f"/services/{service.slug}/operations-guide")
    page = journey.page
    page.get_by_role("button", name="Generate a new version").click()
    journey.check()
    assert "Version 1" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Word")).first.click()
    saved = download.value
    assert saved.suggested_filename.endswith(".docx")
    from docx import Document

    text = "\n".join(p.text for p in Document(saved.path()).paragraphs)
    assert service.name in text
    assert "Roles and contacts" in text
