"""The guides API: the profile, downloads in every format, versions, approval, differences."""

import pytest
from auditlog.models import LogEntry

from osr.guides.models import OperationsProfile

from .conftest import docx_text, pdf_reader

pytestmark = pytest.mark.django_db

MEDIA = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def guide_path(service, rest=""):
    return f"/api/v1/services/{service.slug}/operations-guide{rest}"


def test_the_profile_reads_with_durations_in_iso_8601(api, complete_service):
    response = api("viewer").get(f"/api/v1/services/{complete_service.slug}/operations-profile")
    assert response.status_code == 200
    body = response.json()
    assert (body["rto"], body["rpo"]) == ("PT4H", "PT15M")
    assert body["last_dr_test"] == "2026-01-20"
    assert body["service"] == "pay-farmers"


def test_a_delivery_member_patches_some_fields_and_keeps_the_rest(api, complete_service, users):
    path = f"/api/v1/services/{complete_service.slug}/operations-profile"
    response = api("delivery").patch(path, {"rto": "2 hours", "rpo": "PT30M", "scaling": "Up"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rto"], body["rpo"], body["scaling"]) == ("PT2H", "PT30M", "Up")
    assert body["severities"] == "P1: service down\nP2: degraded"
    profile = OperationsProfile.objects.get(service=complete_service)
    entry = LogEntry.objects.get_for_object(profile).latest("timestamp")
    assert entry.actor == users.delivery and "scaling" in entry.changes_dict


def test_a_profile_is_created_by_the_first_patch(api, users):
    from ..factories import ServiceFactory

    service = ServiceFactory(delivery_group=users.own)
    path = f"/api/v1/services/{service.slug}/operations-profile"
    assert api("delivery").patch(path, {"availability_target": 99.95}).status_code == 200
    assert str(OperationsProfile.objects.get(service=service).availability_target) == "99.950"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"rto": "soon"}, "rto"),
        ({"availability_target": 120}, "availability_target"),
        ({"dpia_status": "maybe"}, "dpia_status"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_profile_input_is_422_with_the_field_named(api, complete_service, payload, field):
    path = f"/api/v1/services/{complete_service.slug}/operations-profile"
    response = api("delivery").patch(path, payload)
    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.parametrize("role, status", [("viewer", 403), ("outsider", 403), ("admin", 200)])
def test_only_those_who_edit_the_service_edit_its_profile(api, complete_service, role, status):
    path = f"/api/v1/services/{complete_service.slug}/operations-profile"
    assert api(role).patch(path, {"scaling": "Up"}).status_code == status


def test_generating_and_approving_through_the_api(api, complete_service):
    response = api("delivery").post(guide_path(complete_service, "/versions"))
    assert response.status_code == 201
    assert response.json()["number"] == 1 and response.json()["status"] == "draft"
    approve = guide_path(complete_service, "/versions/1/approve")
    assert api("delivery").post(approve).status_code == 403
    assert api("admin").post(approve).status_code == 403
    first = api("osr_manager").post(approve)
    assert first.status_code == 200 and first.json()["status"] == "draft"
    assert api("osr_manager").post(approve).status_code == 409
    second = api("live_services_manager").post(approve).json()
    assert second["status"] == "approved"
    assert [a["role"] for a in second["approvals"]] == ["osr_manager", "live_services_manager"]
    listed = api("viewer").get(guide_path(complete_service, "/versions")).json()
    assert [v["number"] for v in listed["results"]] == [1] and listed["count"] == 1


def test_generating_is_for_those_who_edit_the_service(api, complete_service):
    assert api("viewer").post(guide_path(complete_service, "/versions")).status_code == 403
    assert api("outsider").post(guide_path(complete_service, "/versions")).status_code == 403


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_each_format_downloads_as_an_attachment_with_its_media_type(api, complete_service, fmt):
    api("delivery").post(guide_path(complete_service, "/versions"))
    response = api("viewer").get(guide_path(complete_service), format=fmt)
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="pay-farmers-operations-guide-v1.{fmt}"'
    )
    if fmt == "docx":
        assert docx_text(response.content).paragraphs[0].text.startswith("Pay farmers")
    elif fmt == "pdf":
        assert len(pdf_reader(response.content).pages) > 1
    else:
        assert "1. Document control" in response.content.decode()


def test_a_chosen_version_and_the_current_guide_download(api, complete_service):
    client = api("delivery")
    client.post(guide_path(complete_service, "/versions"))
    client.post(guide_path(complete_service, "/versions"))
    first = client.get(guide_path(complete_service), format="md", version="1")
    assert "**Version:** 1" in first.content.decode()
    current = client.get(guide_path(complete_service), format="md", version="current")
    assert "**Version:** Not yet generated" in current.content.decode()
    assert current["Content-Disposition"].endswith('preview.md"')
    data = client.get(guide_path(complete_service), format="json").json()
    assert len(data["sections"]) == 19 and data["control"]["version"] == 2


def test_without_a_version_the_guide_is_404_and_without_a_token_401(api, complete_service):
    assert api("viewer").get(guide_path(complete_service), format="md").status_code == 404
    assert api("viewer").get(guide_path(complete_service), version="7").status_code == 404
    assert api().get(guide_path(complete_service)).status_code == 401
    assert api("viewer").get(guide_path(complete_service), format="odt").status_code == 422


def test_status_and_compare_say_what_changed(api, complete_service):
    client = api("delivery")
    client.post(guide_path(complete_service, "/versions"))
    client.patch(f"/api/v1/services/{complete_service.slug}/operations-profile", {"scaling": "Up"})
    status = client.get(guide_path(complete_service, "/status")).json()
    assert status["complete"] and status["latest_version"] == 1
    assert status["approved_version"] is None and not status["support_documentation_met"]
    changes = client.get(guide_path(complete_service, "/compare"), **{"from": "1"}).json()
    assert changes["results"] == [
        {
            "number": 14,
            "title": "Capacity and performance",
            "removed": ["**How it scales:** Horizontally, on the Core Delivery Platform"],
            "added": ["**How it scales:** Up"],
        }
    ]


@pytest.mark.parametrize("version", ["0", "-1", "99999999999999999999", "one"])
def test_a_version_that_cannot_exist_is_404(api, complete_service, version):
    client = api("viewer")
    assert client.get(guide_path(complete_service), version=version).status_code == 404
    if version.lstrip("-").isdigit():
        path = guide_path(complete_service, f"/versions/{version}")
        assert client.get(path).status_code in (404, 422)


def test_profile_edits_need_the_current_etag(api, complete_service):
    client = api("delivery")
    path = f"/api/v1/services/{complete_service.slug}/operations-profile"
    first = client.current_etag(path)
    assert client.patch(path, {"scaling": "Up"}, if_match="").status_code == 428
    changed = client.patch(path, {"scaling": "Up"}, if_match=first)
    assert changed.status_code == 200 and changed["ETag"] != first
    stale = client.patch(path, {"scaling": "Down"}, if_match=first)
    assert stale.status_code == 412
    assert client.get(path).json()["scaling"] == "Up"
