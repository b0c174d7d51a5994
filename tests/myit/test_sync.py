"""Syncing services to the fake MyIT over HTTP: what is written, and that reruns write nothing."""

import pytest

from osr.catalogue.choices import Phase
from osr.catalogue.models import Dependency
from osr.myit import services
from osr.myit.choices import SyncStatus
from osr.myit.models import MyitRecord, MyitSnapshot

from ..factories import ComponentFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waste(users, fake_myit):
    owner = PersonFactory(name="Dana Owner", email="dana.owner@defra.example")
    fake_myit.seed("sys_user", name="Dana Owner", email="dana.owner@defra.example")
    service = ServiceFactory(
        name="Waste tracking",
        slug="waste-tracking",
        description="Track waste from producer to disposal",
        delivery_group=users.own,
        critical=True,
        phase=Phase.PRIVATE_BETA,
        data_owner=owner,
        support_contact_email="waste-support@defra.example",
    )
    ComponentFactory(service=service, name="Waste web", support_group="CDP Platform support")
    ComponentFactory(service=service, name="Waste API")
    return service


def sync(client, *chosen, dry_run=False):
    return services.sync_now(list(chosen), by=None, dry_run=dry_run, client=client)


def by_correlation(fake, table):
    return {r.get("correlation_id"): r for r in fake.records(table)}


def test_first_sync_pushes_the_service_as_csdm_records(client, fake_myit, waste):
    [run] = sync(client, waste)

    assert run.status == SyncStatus.SUCCEEDED, run.message
    service = by_correlation(fake_myit, "cmdb_ci_service_business")["osr:waste-tracking"]
    offering = by_correlation(fake_myit, "service_offering")["osr:waste-tracking:offering"]
    groups = {g["name"]: g for g in fake_myit.records("sys_user_group")}
    owner = fake_myit.records("sys_user")[0]
    assert service["name"] == "Waste tracking"
    assert service["busines_criticality"] == "1 - most critical"
    assert service["operational_status"] == "7"
    assert service["owned_by"] == owner["sys_id"]
    assert service["support_group"] == groups["Waste tracking support"]["sys_id"]
    assert service["change_control"] == groups["Waste tracking change approval"]["sys_id"]
    assert groups["Waste tracking support"]["email"] == "waste-support@defra.example"
    assert offering["parent"] == service["sys_id"]
    instances = fake_myit.records("cmdb_ci_service_auto")
    assert sorted(i["name"] for i in instances) == ["Waste API", "Waste web"]
    web = next(i for i in instances if i["name"] == "Waste web")
    assert web["support_group"] == groups["CDP Platform support"]["sys_id"]
    depends_on = fake_myit.records("cmdb_rel_type")[0]["sys_id"]
    relations = {(r["parent"], r["child"], r["type"]) for r in fake_myit.records("cmdb_rel_ci")}
    assert relations == {(offering["sys_id"], i["sys_id"], depends_on) for i in instances}
    stored = dict(MyitRecord.objects.filter(service=waste).values_list("key", "sys_id"))
    assert stored["service"] == service["sys_id"] and stored["offering"] == offering["sys_id"]


def test_second_sync_sends_no_writes(client, fake_myit, waste):
    sync(client, waste)
    writes = fake_myit.writes

    [run] = sync(client, waste)

    assert run.status == SyncStatus.SUCCEEDED
    assert fake_myit.writes == writes
    assert run.differences == [] and run.written == []


def test_a_change_in_osr_patches_only_the_changed_field(client, fake_myit, waste):
    sync(client, waste)
    waste.critical = False
    waste.save()
    writes = fake_myit.writes

    [run] = sync(client, waste)

    assert fake_myit.writes == writes + 1  # one batch holding the one update
    assert run.differences == [
        {
            "action": "update",
            "table": "cmdb_ci_service_business",
            "key": "service",
            "sys_id": MyitRecord.objects.get(service=waste, key="service").sys_id,
            "changes": {"busines_criticality": ["1 - most critical", "4 - not critical"]},
        }
    ]


def test_an_edit_made_in_myit_is_put_back_in_step(client, fake_myit, waste):
    sync(client, waste)
    sys_id = MyitRecord.objects.get(service=waste, key="offering").sys_id
    client.patch("service_offering", sys_id, {"name": "Renamed by hand"})

    sync(client, waste)

    assert client.get("service_offering", sys_id)["name"] == "Waste tracking"


def test_dry_run_shows_every_difference_and_writes_nothing(client, fake_myit, waste):
    [run] = sync(client, waste, dry_run=True)

    assert fake_myit.writes == 0
    assert not MyitRecord.objects.exists() and not MyitSnapshot.objects.exists()
    assert run.status == SyncStatus.SUCCEEDED and run.dry_run
    created = sorted(d["key"] for d in run.differences if d["action"] == "create")
    assert created == sorted(
        [
            "group:support",
            "group:change",
            "group:queue:CDP Platform support",
            "service",
            "offering",
            *[f"component:{c.pk}" for c in waste.components.all()],
            *[f"relationship:offering>component:{c.pk}" for c in waste.components.all()],
        ]
    )
    offering = next(d for d in run.differences if d["key"] == "offering")
    assert offering["fields"]["parent"] == "(new service)"


def test_dry_run_after_a_sync_shows_exactly_what_changed(client, fake_myit, waste):
    sync(client, waste)
    writes = fake_myit.writes
    waste.phase = Phase.LIVE
    waste.save()

    [run] = sync(client, waste, dry_run=True)

    assert fake_myit.writes == writes
    changed = {d["key"]: d["changes"] for d in run.differences}
    expected = {
        "operational_status": ["7", "1"],
        "life_cycle_stage": ["Deploy", "Operational"],
        "life_cycle_stage_status": ["In Progress", "In Use"],
    }
    assert changed == {
        "service": expected,
        "offering": expected,
        **{f"component:{c.pk}": expected for c in waste.components.all()},
    }


def test_interrupted_sync_records_what_was_not_written_and_resumes_without_duplicates(
    client, fake_myit, waste
):
    client.batch_api = False  # one request a record, so the run can stop between two
    fake_myit.inject(status=503, times=100, methods=("POST",), after=4)

    [failed] = sync(client, waste)

    assert failed.status == SyncStatus.FAILED
    assert "Internal server error" in failed.message
    assert len(failed.written) == 4
    assert failed.not_written and {"key", "reason"} <= set(failed.not_written[0])
    fake_myit.faults.clear()

    [resumed] = sync(client, waste)

    assert resumed.status == SyncStatus.SUCCEEDED
    assert set(resumed.written) == {entry["key"] for entry in failed.not_written}
    for table in ["cmdb_ci_service_business", "service_offering", "cmdb_ci_service_auto"]:
        ids = [r["correlation_id"] for r in fake_myit.records(table)]
        assert len(ids) == len(set(ids))
    names = [g["name"] for g in fake_myit.records("sys_user_group")]
    assert len(names) == len(set(names)) == 3
    assert len(fake_myit.records("cmdb_rel_ci")) == 2


def test_a_batch_lost_to_an_outage_writes_nothing_and_the_rerun_writes_it_once(
    client, fake_myit, waste
):
    fake_myit.inject(status=503, times=100, path_contains="/batch")

    [failed] = sync(client, waste)
    fake_myit.faults.clear()
    [resumed] = sync(client, waste)

    assert failed.status == SyncStatus.FAILED and failed.written == []
    assert resumed.status == SyncStatus.SUCCEEDED
    names = [g["name"] for g in fake_myit.records("sys_user_group")]
    assert len(names) == len(set(names)) == 3
    assert len(fake_myit.records("cmdb_rel_ci")) == 2


def test_records_created_but_never_stored_are_found_by_correlation_id(client, fake_myit, waste):
    sync(client, waste)
    MyitRecord.objects.all().delete()
    writes = fake_myit.writes

    [run] = sync(client, waste)

    assert fake_myit.writes == writes
    assert MyitRecord.objects.filter(service=waste).count() == 9
    assert run.status == SyncStatus.SUCCEEDED


def test_dependency_on_another_service_waits_until_that_service_is_in_myit(
    client, fake_myit, waste, users
):
    notify = ServiceFactory(name="Notify relay", slug="notify-relay", delivery_group=users.own)
    Dependency.objects.create(from_service=waste, to_service=notify)

    [first] = sync(client, waste)
    assert first.status == SyncStatus.SUCCEEDED
    assert first.not_written == [
        {
            "key": "relationship:service>service:notify-relay",
            "reason": "notify-relay is not in MyIT yet: sync it too",
        }
    ]

    sync(client, notify)
    [second] = sync(client, waste)

    assert second.written == ["relationship:service>service:notify-relay"]
    ids = by_correlation(fake_myit, "cmdb_ci_service_business")
    pair = (ids["osr:waste-tracking"]["sys_id"], ids["osr:notify-relay"]["sys_id"])
    assert pair in {(r["parent"], r["child"]) for r in fake_myit.records("cmdb_rel_ci")}


def test_syncing_both_services_together_relates_them_in_one_run(client, fake_myit, waste, users):
    notify = ServiceFactory(name="A notify relay", slug="notify-relay", delivery_group=users.own)
    Dependency.objects.create(from_service=notify, to_service=waste)

    runs = sync(client, notify, waste)

    assert all(run.status == SyncStatus.SUCCEEDED and not run.not_written for run in runs)
    held = MyitSnapshot.objects.get(service=notify).held
    assert held["depends_on"] == [{"slug": "waste-tracking", "related": True}]
    writes = fake_myit.writes
    sync(client, notify, waste)
    assert fake_myit.writes == writes


def test_mapping_file_overrides_tables_and_fields(client, fake_myit, waste, settings, tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "tables: {service: cmdb_ci_service}\n"
        "service_fields: {description: description}\n"
        "criticality: {critical: '1 - most critical', not_critical: '3 - less critical'}\n"
    )
    settings.OSR_MYIT_MAPPING_FILE = str(mapping)

    sync(client, waste)

    [service] = fake_myit.tables["cmdb_ci_service"].rows.values()
    assert service["description"] == "Track waste from producer to disposal"
    assert "cmdb_ci_service_business" not in fake_myit.tables
