"""Guide pages: the service page's panel, the guide, its versions, the profile's forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Component, Dependency, ExternalSystem
from osr.guides.models import GuideVersion, OperationsProfile

from .conftest import make_complete_service

pytestmark = pytest.mark.django_db


def test_the_service_page_shows_the_guide_and_its_versions(page, complete_service):
    page("delivery").post(f"/services/{complete_service.slug}/operations-guide/versions")
    response = page("delivery").get(f"/services/{complete_service.slug}/operations")
    html = response.content.decode()
    assert "Service operations guide" in html
    assert "Generate a new version" in html
    assert "Version 1" in html and "Awaiting approval" in html
    assert "every section of the guide is complete" in html
    viewer = page("viewer").get(f"/services/{complete_service.slug}/operations").content.decode()
    assert "Generate a new version" not in viewer


def test_the_guide_page_shows_every_section_and_where_to_fill_each_gap(page, complete_service):
    OperationsProfile.objects.filter(service=complete_service).update(rpo=None)
    response = page("delivery").get(f"/services/{complete_service.slug}/operations-guide")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="osr-guide__section"') == 19
    assert "The recovery point objective (RPO)" in html
    assert f'href="/services/{complete_service.slug}/operations-profile/continuity"' in html
    viewer = page("viewer").get(f"/services/{complete_service.slug}/operations-guide")
    assert "/operations-profile/continuity" not in viewer.content.decode()


def test_the_guide_page_runs_the_same_queries_whatever_the_size_of_the_service(page, users):
    small = make_complete_service(users.own, name="Small", slug="small")
    big = make_complete_service(users.own, name="Big", slug="big", components=12)
    for n in range(12):
        Dependency.objects.create(
            from_service=big,
            to_external=ExternalSystem.objects.create(name=f"Extra {n}", slug=f"extra-{n}"),
            description="Stops",
        )
    client = page("delivery")

    def queries(service):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/services/{service.slug}/operations-guide").status_code == 200
        return len(captured)

    queries(small)  # the first request builds what every later one reuses
    assert queries(big) == queries(small)
    assert Component.objects.filter(service=big).count() == 12


def test_a_profile_part_is_edited_with_its_own_form(page, complete_service):
    path = f"/services/{complete_service.slug}/operations-profile/continuity"
    form = page("delivery").get(path)
    assert form.status_code == 200
    assert 'value="4 hours"' in form.content.decode()
    response = page("delivery").post(
        path,
        {
            "rto": "1 day 2 hours",
            "rpo": "30 minutes",
            "disaster_definition": "Region lost",
            "recovery_invoked_by": "LSM",
            "recovery_steps": "Fail over",
            "backup_arrangements": "Nightly",
            "last_dr_test": "2026-02-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/operations-guide#section-13")
    profile = OperationsProfile.objects.get(service=complete_service)
    assert str(profile.rto) == "1 day, 2:00:00"
    assert profile.scaling == "Horizontally, on the Core Delivery Platform"


def test_a_bad_duration_shows_the_error_summary(page, complete_service):
    path = f"/services/{complete_service.slug}/operations-profile/continuity"
    response = page("delivery").post(path, {"rto": "whenever"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a duration of up to a year, like ‘4 hours’" in html


def test_only_those_who_edit_the_service_reach_the_profile_forms(page, complete_service):
    path = f"/services/{complete_service.slug}/operations-profile/outage"
    assert page("viewer").get(path).status_code == 403
    assert page("outsider").post(path, {"outage_impact": "x"}).status_code == 403
    assert (
        page("delivery").get(f"/services/{complete_service.slug}/operations-profile/x").status_code
        == 404
    )
    overview = page("viewer").get(f"/services/{complete_service.slug}/operations-profile")
    assert (
        overview.status_code == 200 and "Recovery time objective (RTO)" in overview.content.decode()
    )


def test_managers_approve_on_the_version_page(page, complete_service):
    slug = complete_service.slug
    generated = page("delivery").post(f"/services/{slug}/operations-guide/versions")
    assert generated["Location"] == f"/services/{slug}/operations-guide/versions/1"
    version_page = page("osr_manager").get(f"/services/{slug}/operations-guide/versions/1")
    assert "Approve version 1" in version_page.content.decode()
    assert "Approve version 1" not in page("delivery").get(generated["Location"]).content.decode()
    approve = f"/services/{slug}/operations-guide/versions/1/approve"
    assert page("admin").post(approve).status_code == 403
    assert page("osr_manager").post(approve).status_code == 302
    again = page("osr_manager").post(approve)
    assert again.status_code == 409 and "already approved" in again.content.decode()
    page("live_services_manager").post(approve)
    assert GuideVersion.objects.get(service=complete_service).approved


def test_the_compare_page_shows_what_changed_in_each_section(page, complete_service):
    client = page("delivery")
    client.post(f"/services/{complete_service.slug}/operations-guide/versions")
    OperationsProfile.objects.filter(service=complete_service).update(load_tested_to="50 a second")
    client.post(f"/services/{complete_service.slug}/operations-guide/versions")
    html = client.get(
        f"/services/{complete_service.slug}/operations-guide/compare"
    ).content.decode()
    assert "14. Capacity and performance" in html
    assert "**Load tested to:** 50 a second" in html
    assert "1 section differ" in html


def test_pages_download_each_format(page, complete_service):
    client = page("viewer")
    path = f"/services/{complete_service.slug}/operations-guide/download"
    response = client.get(path, {"format": "docx", "version": "current"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(path, {"format": "pdf"}).status_code == 404  # nothing generated yet
    assert client.get(path, {"format": "exe", "version": "current"}).status_code == 404


def test_a_profile_form_shows_a_colleagues_change_instead_of_overwriting_it(page, complete_service):
    from osr.guides.models import OperationsProfile

    path = f"/services/{complete_service.slug}/operations-profile/outage"
    client = page("delivery")
    token = client.get(path).content.decode().split('name="_version" value="')[1].split('"')[0]
    OperationsProfile.objects.filter(service=complete_service).update(outage_impact="Theirs")

    response = client.post(path, {"outage_impact": "Mine", "_version": token})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this while you were editing" in html and "Theirs" in html
    assert OperationsProfile.objects.get(service=complete_service).outage_impact == "Theirs"

    fresh = html.split('name="_version" value="')[1].split('"')[0]
    assert client.post(path, {"outage_impact": "Mine", "_version": fresh}).status_code == 302
    assert OperationsProfile.objects.get(service=complete_service).outage_impact == "Mine"
