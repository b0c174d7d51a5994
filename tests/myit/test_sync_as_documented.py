"""Syncs against the strict fake: refusals, fields MyIT does not take, queries it can carry."""

import io

import pytest
from django.core.management import CommandError, call_command

from osr.catalogue.choices import Phase
from osr.myit import services
from osr.myit.choices import SyncStatus
from osr.myit.models import MyitRecord, MyitSnapshot

from ..factories import ComponentFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waste(users, fake_myit):
    service = ServiceFactory(
        name="Waste tracking",
        slug="waste-tracking",
        description="Track waste from producer to disposal",
        delivery_group=users.own,
        phase=Phase.LIVE,
        support_contact_email="waste-support@defra.example",
    )
    ComponentFactory(service=service, name="Waste web")
    return service


def sync(client, *chosen):
    return services.sync_now(list(chosen), by=None, client=client)


def patches_of(fake):
    return fake.requests["PATCH"]


def test_one_refused_service_does_not_stop_the_others(client, fake_myit, users):
    first = ServiceFactory(name="A refused", slug="a-refused", delivery_group=users.own)
    second = ServiceFactory(name="B synced", slug="b-synced", delivery_group=users.own)
    fake_myit.deny("cmdb_ci_service_business", "create")

    runs = {r.service.slug: r for r in sync(client, first, second)}

    refused = runs["a-refused"]
    assert refused.status == SyncStatus.FAILED
    assert "ACL Exception Insert Failed" in refused.message
    assert "may not create records in cmdb_ci_service_business" in refused.message
    # The refusal is of the table, so the second service meets it too, but is still tried.
    assert runs["b-synced"].status == SyncStatus.FAILED
    assert "stopped" not in runs["b-synced"].message
    groups = {g["name"] for g in fake_myit.records("sys_user_group")}
    assert {"A refused support", "B synced support"} <= groups  # both services were tried


def test_a_field_hidden_by_an_acl_is_reported_and_not_patched_again_and_again(
    client, fake_myit, waste, page
):
    fake_myit.deny("cmdb_ci_service", "read", field="busines_criticality")
    sync(client, waste)
    patches = patches_of(fake_myit)

    [second] = sync(client, waste)
    [third] = sync(client, waste)

    assert second.status == third.status == SyncStatus.SUCCEEDED
    assert patches_of(fake_myit) == patches
    shown = page("delivery").get("/services/waste-tracking/myit").content.decode()
    assert "Fields MyIT did not take" in shown and "busines_criticality" in shown


def test_a_field_an_acl_keeps_from_osr_is_written_once_then_left_alone(client, fake_myit, waste):
    fake_myit.deny("cmdb_ci", "write", field="short_description")
    [first] = sync(client, waste)
    writes = fake_myit.writes

    [second] = sync(client, waste)

    assert fake_myit.writes == writes
    assert {"key": "service", "field": "short_description"}.items() <= first_not_taken(
        waste
    ).items()
    assert first.status == second.status == SyncStatus.SUCCEEDED


def test_a_sync_refuses_to_run_when_myit_lacks_a_mapped_field(
    client, fake_myit, waste, settings, tmp_path
):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("service_fields: {description: u_summary}\n")
    settings.OSR_MYIT_MAPPING_FILE = str(mapping)

    [run] = sync(client, waste)

    assert run.status == SyncStatus.FAILED
    assert "MyIT lacks cmdb_ci_service_business.u_summary" in run.message
    assert fake_myit.writes == 0


def test_check_names_a_field_removed_from_myit_and_the_roles_to_grant(fake_myit, waste):
    fake_myit.remove_field("cmdb_ci_service_business", "correlation_id")
    fake_myit.deny("sys_user_group", "create")
    out = io.StringIO()

    with pytest.raises(CommandError, match="cmdb_ci_service_business.correlation_id"):
        call_command("myit", "check", stdout=out)

    text = out.getvalue()
    assert "service (cmdb_ci_service_business): readable" in text
    assert "MISSING fields correlation_id" in text
    assert "Roles OSR's MyIT account needs: itil, personalize_dictionary, user_admin" in text
    with pytest.raises(CommandError, match="1 service\\(s\\) not synced"):
        call_command("myit", "sync", "waste-tracking", stdout=io.StringIO())


def test_check_passes_against_myit_as_shipped_and_reads_what_is_hidden(fake_myit, waste):
    fake_myit.seed("cmdb_ci_service_business", name="Someone else's", busines_criticality="1")
    fake_myit.deny("cmdb_ci_service", "read", field="busines_criticality")
    out = io.StringIO()

    call_command("myit", "check", stdout=out)

    text = out.getvalue()
    assert "hidden from OSR: busines_criticality" in text
    assert "MyIT has every mapped table and field" in text


def first_not_taken(service):
    return MyitSnapshot.objects.get(service=service).held["not_taken"][0]


def test_an_owner_stored_in_mixed_case_is_found(client, fake_myit, users):
    owner = PersonFactory(name="Dana Owner", email="Dana.Owner@defra.example")
    user = fake_myit.seed("sys_user", name="Dana Owner", email="Dana.Owner@defra.example")
    service = ServiceFactory(slug="flood", delivery_group=users.own, data_owner=owner)

    sync(client, service)

    [held] = fake_myit.records("cmdb_ci_service_business")
    assert held["owned_by"] == user["sys_id"]


def test_a_queue_named_with_a_caret_is_found_not_made_twice(client, fake_myit, waste):
    ComponentFactory(service=waste, name="Waste API", support_group="Ops^Platform")
    queue = fake_myit.seed("sys_user_group", name="Ops^Platform")
    fake_myit.seed("sys_user_group", name="Ops")

    [run] = sync(client, waste)

    assert run.status == SyncStatus.SUCCEEDED, run.message
    named = [g for g in fake_myit.records("sys_user_group") if g["name"].startswith("Ops")]
    assert len(named) == 2
    stored = MyitRecord.objects.get(service=waste, key="group:queue:Ops^Platform")
    assert stored.sys_id == queue["sys_id"]


def test_life_cycle_is_written_to_the_csdm_pair_from_the_phase(client, fake_myit, waste):
    sync(client, waste)

    for table in ("cmdb_ci_service_business", "service_offering", "cmdb_ci_service_auto"):
        [held] = fake_myit.records(table)
        assert (held["life_cycle_stage"], held["life_cycle_stage_status"]) == (
            "Operational",
            "In Use",
        )


def test_life_cycle_values_are_configuration(client, fake_myit, waste, settings, tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "life_cycle: {live: [Operational, In Maintenance]}\nservice_fields: {status: null}\n"
    )
    settings.OSR_MYIT_MAPPING_FILE = str(mapping)

    sync(client, waste)

    [held] = fake_myit.records("cmdb_ci_service_business")
    assert held["life_cycle_stage_status"] == "In Maintenance"
    assert "operational_status" not in held


def test_administrators_see_the_check_on_the_myit_page_and_others_may_not(page, fake_myit, waste):
    fake_myit.remove_field("cmdb_ci_service_business", "correlation_id")
    admin = page("admin")

    panel = admin.get("/services/waste-tracking/myit").content.decode()
    shown = admin.get("/myit/check")

    assert "/myit/check" in panel
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "MyIT lacks cmdb_ci_service_business.correlation_id" in text
    assert "user_admin" in text
    assert page("delivery").get("/myit/check").status_code == 403
