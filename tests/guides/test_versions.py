"""Versions: numbered drafts as generated, approval by both managers only, never changed after."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from osr.core.audit import acting_as
from osr.core.roles import assign_role
from osr.guides import services
from osr.guides.diff import compare
from osr.guides.document import rendered_sections
from osr.guides.models import ApprovalRefused, GuideVersion, OperationsProfile, VersionFrozen
from osr.guides.rendering import render
from osr.guides.versions import guide_of

from .conftest import TODAY, make_complete_service

pytestmark = pytest.mark.django_db


def generate(service, by):
    return services.generate_version(service, by=by, today=TODAY)


def approve_by_both(version, users):
    services.approve_version(version, by=users.osr_manager)
    services.approve_version(version, by=users.live_services_manager)
    version.refresh_from_db()
    return version


def test_generating_stores_numbered_drafts_of_the_guide_as_it_was(complete_service, users):
    first = generate(complete_service, users.delivery)
    OperationsProfile.objects.filter(service=complete_service).update(scaling="Vertically")
    second = generate(complete_service, users.delivery)
    assert (first.number, second.number) == (1, 2)
    assert not first.approved and first.status == "Draft"
    assert first.complete and first.generated_by == users.delivery
    scaling = dict(guide_of(first).section(14).facts)["How it scales"]
    assert scaling == "Horizontally, on the Core Delivery Platform"
    assert first.fingerprint != second.fingerprint


def test_a_version_is_approved_once_both_managers_have_approved_it(complete_service, users):
    version = generate(complete_service, users.delivery)
    services.approve_version(version, by=users.osr_manager)
    version.refresh_from_db()
    assert not version.approved
    assert version.osr_manager_approved_by == users.osr_manager
    assert version.osr_manager_approver == "Osr Manager"
    services.approve_version(version, by=users.live_services_manager)
    version.refresh_from_db()
    assert version.approved and version.status == "Approved"
    assert version.live_services_manager_approved_at is not None
    facts = dict(rendered_sections(guide_of(version))[0].facts)
    assert facts["Document status"] == "Approved"
    assert facts["Approved by the OSR manager"].startswith("Osr Manager on ")
    assert facts["Approved by the live services manager"].startswith("Live Services Manager on ")


@pytest.mark.parametrize("role", ["viewer", "delivery", "admin", "outsider"])
def test_nobody_but_the_groups_two_managers_may_approve(complete_service, users, role):
    version = generate(complete_service, users.delivery)
    with pytest.raises(PermissionDenied):
        services.approve_version(version, by=users.by_role(role))


@pytest.mark.parametrize("manager", ["osr_manager", "live_services_manager"])
def test_a_manager_moved_to_viewer_no_longer_approves_though_still_assigned(
    complete_service, users, api, manager
):
    version = generate(complete_service, users.delivery)
    demoted = users.by_role(manager)
    assign_role(demoted, "viewer")
    assert getattr(complete_service.delivery_group, manager).user == demoted
    path = f"/api/v1/services/{complete_service.slug}/operations-guide/versions/1/approve"
    response = api(manager).post(path)
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.approval_by(manager) is None


def test_the_same_manager_cannot_approve_twice(complete_service, users):
    version = generate(complete_service, users.delivery)
    services.approve_version(version, by=users.osr_manager)
    with pytest.raises(ApprovalRefused, match="already approved"):
        services.approve_version(version, by=users.osr_manager)


def test_a_superseded_version_cannot_be_approved(complete_service, users):
    first = generate(complete_service, users.delivery)
    generate(complete_service, users.delivery)
    with pytest.raises(ApprovalRefused, match="superseded by version 2"):
        services.approve_version(first, by=users.osr_manager)


def test_a_critical_services_guide_is_refused_without_sections_8_10_and_13(users):
    service = make_complete_service(users.own, critical=True)
    OperationsProfile.objects.filter(service=service).update(rto=None)
    version = generate(service, users.delivery)
    with pytest.raises(ApprovalRefused, match="13. Continuity"):
        services.approve_version(version, by=users.osr_manager)


def test_a_guide_that_is_not_critical_may_be_approved_incomplete(complete_service, users):
    OperationsProfile.objects.filter(service=complete_service).update(scaling="")
    version = approve_by_both(generate(complete_service, users.delivery), users)
    assert version.approved and not version.complete


def test_an_approved_version_never_changes_and_is_never_deleted(complete_service, users):
    version = approve_by_both(generate(complete_service, users.delivery), users)
    version.data["sections"][13]["facts"] = []
    with pytest.raises(VersionFrozen):
        version.save()
    with pytest.raises(VersionFrozen):
        version.delete()
    with pytest.raises(ApprovalRefused, match="already approved"):
        services.approve_version(version, by=users.osr_manager)
    stored = GuideVersion.objects.get(pk=version.pk)
    assert stored.data["sections"][13]["facts"] != []


def test_an_approved_version_renders_the_same_after_the_service_changes(complete_service, users):
    version = approve_by_both(generate(complete_service, users.delivery), users)
    before = {fmt: render(guide_of(version), fmt) for fmt in ("md", "html")}
    OperationsProfile.objects.filter(service=complete_service).update(
        scaling="Vertically", rto=None
    )
    complete_service.name = "Renamed"
    complete_service.save()
    version = GuideVersion.objects.get(pk=version.pk)
    assert {fmt: render(guide_of(version), fmt) for fmt in ("md", "html")} == before


def test_generation_and_approval_are_in_the_audit_trail(complete_service, users):
    # Each step attributed where it enters OSR, as its request would.
    with acting_as(users.delivery):
        version = generate(complete_service, users.delivery)
    for manager in (users.osr_manager, users.live_services_manager):
        with acting_as(manager):
            services.approve_version(version, by=manager)
    entries = LogEntry.objects.get_for_object(version).order_by("timestamp")
    assert [e.actor for e in entries] == [
        users.delivery,
        users.osr_manager,
        users.live_services_manager,
    ]
    assert "data" not in entries[0].changes_dict


def test_differences_between_versions_are_given_section_by_section(complete_service, users):
    first = generate(complete_service, users.delivery)
    OperationsProfile.objects.filter(service=complete_service).update(
        scaling="Vertically", release_frequency="Daily"
    )
    second = generate(complete_service, users.delivery)
    changes = compare(guide_of(first), guide_of(second))
    assert [c.heading for c in changes] == [
        "11. Change and release",
        "14. Capacity and performance",
    ]
    assert changes[1].lines == [
        ("-", "**How it scales:** Horizontally, on the Core Delivery Platform"),
        ("+", "**How it scales:** Vertically"),
    ]
    assert compare(guide_of(second), guide_of(second)) == []


def test_a_service_with_an_approved_guide_cannot_be_deleted(complete_service, users):
    from osr.catalogue.services import InUse, delete_object

    approve_by_both(generate(complete_service, users.delivery), users)
    with pytest.raises(InUse, match="operations guide, version 1"):
        delete_object(complete_service, by=users.admin)


def test_deleting_a_service_deletes_its_draft_guides(complete_service, users):
    from osr.catalogue.services import delete_object

    generate(complete_service, users.delivery)
    delete_object(complete_service, by=users.admin)
    assert not GuideVersion.objects.exists()
