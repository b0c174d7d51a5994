"""What OSR no longer holds is retired in MyIT: removed components and dependencies."""

import pytest
from django.core.management import call_command

from osr.catalogue.models import Dependency
from osr.myit import services
from osr.myit.choices import SyncStatus
from osr.myit.models import MyitRecord, SyncRun

from ..factories import ComponentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waste(users, fake_myit):
    service = ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    ComponentFactory(service=service, name="Waste web")
    ComponentFactory(service=service, name="Waste API")
    notify = ServiceFactory(name="Notify relay", slug="notify-relay", delivery_group=users.own)
    Dependency.objects.create(from_service=service, to_service=notify)
    return service


def sync(client, *chosen, dry_run=False):
    return services.sync_now(list(chosen), by=None, dry_run=dry_run, client=client)


def relationships(fake):
    return {r["sys_id"] for r in fake.records("cmdb_rel_ci")}


def stored(service):
    return dict(MyitRecord.objects.filter(service=service).values_list("key", "sys_id"))


@pytest.fixture
def removed(client, fake_myit, waste):
    """Both services synced, then a component and the dependency removed in OSR."""
    runs = sync(client, waste, waste.dependencies.get().to_service)
    assert all(run.status == SyncStatus.SUCCEEDED for run in runs)
    api = waste.components.get(name="Waste API")
    pk, before = api.pk, stored(waste)
    api.delete()
    Dependency.objects.filter(from_service=waste).delete()
    return {
        "component": (f"component:{pk}", before[f"component:{pk}"]),
        "part_of": (
            f"relationship:offering>component:{pk}",
            before[f"relationship:offering>component:{pk}"],
        ),
        "depends_on": (
            "relationship:service>service:notify-relay",
            before["relationship:service>service:notify-relay"],
        ),
    }


def test_dry_run_shows_the_retirement_and_writes_nothing(client, fake_myit, waste, removed):
    writes = fake_myit.writes

    [run] = sync(client, waste, dry_run=True)

    assert fake_myit.writes == writes
    by_key = {d["key"]: d for d in run.differences}
    key, sys_id = removed["component"]
    assert by_key[key] == {
        "action": "retire",
        "table": "cmdb_ci_service_auto",
        "key": key,
        "sys_id": sys_id,
        "changes": {
            "operational_status": ["7", "6"],
            "install_status": ["", "7"],
            "life_cycle_stage": ["Ideation", "End of Life"],
            "life_cycle_stage_status": ["Draft", "Retired"],
        },
    }
    for which in ("part_of", "depends_on"):
        key, sys_id = removed[which]
        assert by_key[key] == {
            "action": "delete",
            "table": "cmdb_rel_ci",
            "key": key,
            "sys_id": sys_id,
        }
    assert len(run.differences) == 3
    assert stored(waste)[removed["component"][0]] == removed["component"][1]


def test_removed_component_is_retired_and_removed_dependency_unrelated(
    client, fake_myit, waste, removed
):
    [run] = sync(client, waste)

    assert run.status == SyncStatus.SUCCEEDED, run.message
    component = client.get("cmdb_ci_service_auto", removed["component"][1])
    assert component["operational_status"] == "6" and component["install_status"] == "7"
    assert removed["part_of"][1] not in relationships(fake_myit)
    assert removed["depends_on"][1] not in relationships(fake_myit)
    kept = waste.components.get()
    assert stored(waste)[f"relationship:offering>component:{kept.pk}"] in relationships(fake_myit)
    assert not {key for key, _ in removed.values()} & set(stored(waste))
    assert sorted(run.written) == sorted(key for key, _ in removed.values())

    writes = fake_myit.writes
    [again] = sync(client, waste)

    assert fake_myit.writes == writes
    assert again.differences == [] and again.written == []


def test_retired_values_are_configuration(client, fake_myit, waste, removed, settings, tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "retired_component: {install_status: null, life_cycle_stage_status: Retired}\n"
    )
    settings.OSR_MYIT_MAPPING_FILE = str(mapping)

    sync(client, waste)

    component = client.get("cmdb_ci_service_auto", removed["component"][1])
    assert component["operational_status"] == "6" and "install_status" not in component
    assert component["life_cycle_stage_status"] == "Retired"


def test_a_relationship_already_gone_from_myit_is_only_forgotten(client, fake_myit, waste, removed):
    client.delete("cmdb_rel_ci", removed["depends_on"][1])
    deletes = fake_myit.requests["DELETE"]

    [run] = sync(client, waste)

    assert run.status == SyncStatus.SUCCEEDED
    assert fake_myit.requests["DELETE"] == deletes + 1  # the component's relationship only
    assert removed["depends_on"][0] not in stored(waste)


def test_a_components_own_queue_no_longer_used_is_forgotten_not_retired(client, fake_myit, users):
    service = ServiceFactory(name="Flood alerts", slug="flood-alerts", delivery_group=users.own)
    web = ComponentFactory(service=service, name="Flood web", support_group="CDP Platform support")
    sync(client, service)
    web.support_group = ""
    web.save()

    [run] = sync(client, service)

    assert run.status == SyncStatus.SUCCEEDED
    assert "group:queue:CDP Platform support" not in stored(service)
    [queue] = [g for g in fake_myit.records("sys_user_group") if g["name"].startswith("CDP")]
    assert "operational_status" not in queue
    assert not [d for d in run.differences if d["action"] in ("retire", "delete")]


def test_cli_and_run_page_show_what_is_retired(fake_myit, waste, removed, page, capsys):
    call_command("myit", "sync", "waste-tracking", "--dry-run")
    shown = page("viewer").get(SyncRun.objects.first().get_absolute_url()).content.decode()
    call_command("myit", "sync", "waste-tracking")

    out = capsys.readouterr().out
    key = removed["component"][0]
    [retired] = [line for line in out.splitlines() if line.strip().startswith("retire")]
    assert retired.strip().startswith(f"retire cmdb_ci_service_auto {key}: ")
    assert "operational_status: '7' -> '6'" in retired and "install_status: '' -> '7'" in retired
    assert f"delete cmdb_rel_ci {removed['depends_on'][0]} ({removed['depends_on'][1]})" in out
    assert "[1/1] waste-tracking: 0 created, 0 updated, 3 retired" in out
    assert "Retire: no longer in OSR" in shown and "Delete: no longer in OSR" in shown
