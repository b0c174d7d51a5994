"""Submitting evidence, verifying, rejecting and waiving: who may, and what it records."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from osr.readiness.models import Evidence, RequirementEvent, Waiver

from ..factories import ServiceFactory
from .factories import DOCX, PDF, PNG, EvidenceFactory, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def flood(users):
    return ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own)


def requirement_status(api, slug, requirement_id):
    body = api("viewer").get(f"/api/v1/services/{slug}/readiness").json()
    return next(r for r in body["requirements"] if r["id"] == requirement_id)


def test_delivery_member_submits_an_attestation(api, flood, users):
    response = api("delivery").post(
        "/api/v1/services/flood/evidence",
        {"requirement": "AS-1", "attestation": "Written up", "links": ["https://example.org/a"]},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["submitted_by"] == "delivery"
    assert body["links"] == ["https://example.org/a"] and body["policy_version"] == "2026.1"
    requirement = requirement_status(api, "flood", "AS-1")
    assert requirement["status"] == "submitted"
    assert requirement["evidence"][0]["id"] == body["id"]
    event = RequirementEvent.objects.get(requirement_id="AS-1")
    assert event.kind == "submitted" and event.by == users.delivery


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_people_outside_the_group_cannot_submit(api, flood, role):
    response = api(role).post(
        "/api/v1/services/flood/evidence", {"requirement": "AS-1", "attestation": "x"}
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_submission_errors_are_field_errors(api, flood):
    unknown = api("delivery").post("/api/v1/services/flood/evidence", {"requirement": "XX-9"})
    assert unknown.status_code == 422 and "requirement" in unknown.json()["errors"]
    empty = api("delivery").post("/api/v1/services/flood/evidence", {"requirement": "AS-1"})
    assert empty.status_code == 422 and "__all__" in empty.json()["errors"]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    pack = api("delivery").post(
        "/api/v1/services/flood/evidence",
        {"requirement": "LD-1", "links": ["https://example.org/pack"], "pack_date": future},
    )
    assert pack.status_code == 422
    assert set(pack.json()["errors"]) == {"pack_version", "pack_date"}
    dated = api("delivery").post(
        "/api/v1/services/flood/evidence", {"requirement": "PB-4", "attestation": "Agreed"}
    )
    assert dated.json()["errors"] == {"evidence_date": ["Enter the date of the evidence"]}


def test_pack_version_and_date_are_kept(api, flood):
    response = api("delivery").post(
        "/api/v1/services/flood/evidence",
        {
            "requirement": "LD-1",
            "links": ["https://example.org/pack"],
            "pack_version": "2.1",
            "pack_date": "2026-01-20",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["pack_version"] == "2.1"
    assert response.json()["pack_date"] == "2026-01-20"


def test_a_file_uploaded_through_the_api_is_stored_outside_the_web_root(
    api, flood, settings, tmp_path
):
    client = api("delivery")
    response = client.client.post(
        "/api/v1/services/flood/evidence",
        {"requirement": "AS-2", "file": upload("stakeholders.docx", DOCX)},
        headers=client.headers,
    )
    assert response.status_code == 201, response.json()
    evidence = Evidence.objects.get()
    assert evidence.file_type == "docx" and evidence.file_name == "stakeholders.docx"
    stored = settings.MEDIA_ROOT / evidence.file.name
    assert stored.read_bytes() == DOCX
    assert not evidence.file.name.endswith("stakeholders.docx")  # our own name, not theirs
    assert response.json()["file"] == f"/evidence/{evidence.pk}/file"


def test_a_disguised_file_is_refused_through_the_api(api, flood):
    client = api("delivery")
    response = client.client.post(
        "/api/v1/services/flood/evidence",
        {"requirement": "AS-2", "file": upload("register.pdf", PNG, "application/pdf")},
        headers=client.headers,
    )
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    assert not Evidence.objects.exists()


def test_files_download_only_as_attachments_to_signed_in_users(page, flood):
    response = page("delivery").post(
        "/services/flood/readiness/AS-2/evidence", {"file": upload("register.pdf", PDF)}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    download = page("viewer").get(f"/evidence/{evidence.pk}/file")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="register.pdf"')
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    anonymous = Client().get(f"/evidence/{evidence.pk}/file")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous["Location"]


def test_page_shows_errors_in_a_summary(page, flood):
    response = page("delivery").post("/services/flood/readiness/LD-1/evidence", {})
    assert response.status_code == 422
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Give an attestation, a link or a file" in html
    assert "Enter the security assurance pack version" in html


def test_the_groups_osr_manager_verifies_and_the_requirement_is_met(api, flood, users):
    evidence = EvidenceFactory(service=flood, requirement_id="AS-1")
    response = api("osr_manager").post(f"/api/v1/evidence/{evidence.pk}/verify", {"note": "Good"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "verified"
    assert response.json()["reviewed_by"] == "osr_manager"
    assert requirement_status(api, "flood", "AS-1")["status"] == "met"
    kinds = list(RequirementEvent.objects.values_list("kind", "by__username"))
    assert kinds == [("verified", "osr_manager")]


def test_administrators_verify_too(api, flood):
    evidence = EvidenceFactory(service=flood)
    assert api("admin").post(f"/api/v1/evidence/{evidence.pk}/verify").status_code == 200


@pytest.mark.parametrize("role", ["delivery", "live_services_manager", "viewer", "outsider"])
def test_only_the_osr_manager_or_an_administrator_reviews(api, flood, role):
    evidence = EvidenceFactory(service=flood)
    assert api(role).post(f"/api/v1/evidence/{evidence.pk}/verify").status_code == 403
    response = api(role).post(f"/api/v1/evidence/{evidence.pk}/reject", {"reason": "No"})
    assert response.status_code == 403
    waiver = api(role).post(
        "/api/v1/services/flood/waivers", {"requirement": "AS-5", "reason": "Not needed"}
    )
    assert waiver.status_code == 403
    evidence.refresh_from_db()
    assert evidence.status == "submitted" and not Waiver.objects.exists()


def test_an_osr_manager_cannot_review_another_groups_evidence(api, users):
    elsewhere = ServiceFactory(slug="air", delivery_group=users.other)
    evidence = EvidenceFactory(service=elsewhere)
    assert api("osr_manager").post(f"/api/v1/evidence/{evidence.pk}/verify").status_code == 403


def test_evidence_is_reviewed_once(api, flood):
    evidence = EvidenceFactory(service=flood)
    assert api("osr_manager").post(f"/api/v1/evidence/{evidence.pk}/verify").status_code == 200
    again = api("osr_manager").post(f"/api/v1/evidence/{evidence.pk}/reject", {"reason": "x"})
    assert again.status_code == 409
    assert "already verified" in again.json()["detail"]


def test_a_rejection_needs_a_reason_the_team_sees(api, flood):
    evidence = EvidenceFactory(service=flood, requirement_id="AS-2")
    missing = api("osr_manager").post(f"/api/v1/evidence/{evidence.pk}/reject", {"reason": " "})
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"reason": ["Enter why the evidence is rejected"]}
    response = api("osr_manager").post(
        f"/api/v1/evidence/{evidence.pk}/reject", {"reason": "Names no stakeholders"}
    )
    assert response.status_code == 200
    requirement = requirement_status(api, "flood", "AS-2")
    assert requirement["status"] == "rejected"
    assert "Names no stakeholders" in requirement["reason"]


def test_the_osr_manager_waives_with_a_reason_and_an_expiry(api, flood, users):
    until = timezone.localdate() + dt.timedelta(days=30)
    response = api("osr_manager").post(
        "/api/v1/services/flood/waivers",
        {"requirement": "AS-5", "reason": "Run by the programme", "expires_on": until.isoformat()},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["granted_by"] == "osr_manager"
    requirement = requirement_status(api, "flood", "AS-5")
    assert requirement["status"] == "waived" and "Run by the programme" in requirement["reason"]
    event = RequirementEvent.objects.get(kind="waived")
    assert event.by == users.osr_manager and event.waiver_id == response.json()["id"]


def test_a_waiver_needs_a_reason_and_a_future_end(api, flood):
    response = api("osr_manager").post(
        "/api/v1/services/flood/waivers",
        {"requirement": "AS-5", "reason": "", "expires_on": "2001-01-01"},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"reason", "expires_on"}


def test_review_through_the_pages_and_history_shows_who_and_when(page, flood):
    delivery = page("delivery")
    delivery.post("/services/flood/readiness/AS-1/evidence", {"attestation": "Done"})
    evidence = Evidence.objects.get()
    manager = page("osr_manager")
    blank = manager.post(f"/evidence/{evidence.pk}/reject", {"reason": ""})
    assert (
        blank.status_code == 422 and "Enter why the evidence is rejected" in blank.content.decode()
    )
    assert manager.post(f"/evidence/{evidence.pk}/verify", {"note": "Fine"}).status_code == 302
    assert delivery.get(f"/evidence/{evidence.pk}/verify").status_code == 403
    html = page("viewer").get("/services/flood/readiness/AS-1").content.decode()
    assert "Evidence verified" in html and "Evidence submitted" in html
    assert "Osr Manager" in html and "Delivery" in html  # people by their names


def test_waive_through_the_page(page, flood):
    response = page("osr_manager").post(
        "/services/flood/readiness/AS-4/waive", {"reason": "Guide not needed", "expires_on": ""}
    )
    assert response.status_code == 302
    assert Waiver.objects.get().requirement_id == "AS-4"
    assert page("delivery").get("/services/flood/readiness/AS-4/waive").status_code == 403


def test_unknown_requirement_page_is_not_found(page, flood):
    assert page("viewer").get("/services/flood/readiness/ZZ-1").status_code == 404


def test_an_oversized_upload_is_refused_before_it_is_read(page, api, flood, settings):
    settings.OSR_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = PDF + b"\x00" * (2 * 1024 * 1024 + 1)
    response = page("delivery").post(
        "/services/flood/readiness/AS-2/evidence", {"file": upload("big.pdf", big)}
    )
    assert response.status_code == 422
    assert "The selected file must be smaller than 1MB" in response.content.decode()
    client = api("delivery")
    response = client.client.post(
        "/api/v1/services/flood/evidence",
        {"requirement": "AS-2", "file": upload("big.pdf", big)},
        headers=client.headers,
    )
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not Evidence.objects.exists()
