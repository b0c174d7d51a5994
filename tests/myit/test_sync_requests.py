"""Starting a sync from the service page, the API and the CLI; the pages that show it."""

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from osr.myit.choices import SyncStatus
from osr.myit.models import SyncRun

from ..factories import ComponentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waste(users, fake_myit):
    service = ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    ComponentFactory(service=service, name="Waste web")
    return service


def test_api_queues_a_dry_run_for_a_worker(api, waste, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api("delivery").post("/api/v1/services/waste-tracking/myit/sync?dry_run=true")

    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["dry_run"] is True and body["status"] == "queued"
    task = DBTaskResult.objects.get()
    assert task.task_path == "osr.myit.tasks.sync_to_myit"
    assert task.args_kwargs["args"] == [[body["id"]]]


def test_worker_carries_out_the_queued_sync(
    api, waste, fake_myit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = api("delivery").post("/api/v1/services/waste-tracking/myit/sync").json()["id"]

    # What the worker (``osr db_worker``) does with the queued task: run it with its arguments.
    queued = DBTaskResult.objects.get()
    import_string(queued.task_path).call(*queued.args_kwargs["args"])

    run = SyncRun.objects.get(pk=run_id)
    assert run.status == SyncStatus.SUCCEEDED, run.message
    assert fake_myit.records("cmdb_ci_service_business")
    state = api("viewer").get("/api/v1/services/waste-tracking/myit").json()
    assert state["last_run"]["id"] == run_id
    assert {c["requirement_id"] for c in state["checks"]} == {
        "PB-2",
        "PB-3",
        "PUB-1",
        "LV-1",
        "LV-2",
    }
    assert {r["key"] for r in state["records"]} >= {"service", "offering"}
    assert api("viewer").get(f"/api/v1/myit/runs/{run_id}").json()["written"]


def test_only_the_services_own_team_may_sync_it(api, waste):
    assert api("outsider").post("/api/v1/services/waste-tracking/myit/sync").status_code == 403
    assert api("viewer").post("/api/v1/services/waste-tracking/myit/sync").status_code == 403
    assert api().post("/api/v1/services/waste-tracking/myit/sync").status_code == 401
    assert api("admin").post("/api/v1/services/nowhere/myit/sync").status_code == 404
    assert not SyncRun.objects.exists()


def test_service_page_shows_the_sync_buttons_to_its_team_only(page, waste):
    mine = page("delivery").get("/services/waste-tracking/myit")
    theirs = page("outsider").get("/services/waste-tracking/myit")

    assert "Sync to MyIT" in mine.content.decode()
    assert "Preview changes to MyIT" in mine.content.decode()
    assert "Sync to MyIT" not in theirs.content.decode()


def test_sync_button_queues_a_run_and_shows_it(page, waste):
    client = page("delivery")

    response = client.post("/services/waste-tracking/myit/sync", {"dry_run": "true"})

    run = SyncRun.objects.get()
    assert run.dry_run and run.requested_by.username == "delivery"
    assert response.status_code == 302 and response["Location"] == f"/myit/runs/{run.pk}"
    shown = client.get(response["Location"]).content.decode()
    assert "Dry run to MyIT" in shown and "has not finished" in shown
    assert page("outsider").post("/services/waste-tracking/myit/sync").status_code == 403
    [entry] = LogEntry.objects.get_for_object(run)
    assert entry.actor.username == "delivery"


def test_run_pages_show_differences_and_load_in_fixed_queries(
    page, waste, client, django_assert_max_num_queries
):
    from osr.myit import services

    for _ in range(3):
        services.sync_now([waste], by=None, dry_run=True, client=client)
    run = SyncRun.objects.first()
    viewer = page("viewer")

    detail = viewer.get(run.get_absolute_url()).content.decode()
    assert "What a sync would change" in detail and "cmdb_ci_service_business" in detail
    with django_assert_max_num_queries(8):
        listed = viewer.get("/services/waste-tracking/myit/runs")
    assert listed.content.decode().count("Dry run") == 3


def test_cli_syncs_named_services_with_progress_then_nothing_more(waste, fake_myit, capsys):
    call_command("myit", "sync", "waste-tracking")
    first = capsys.readouterr().out
    writes = fake_myit.writes

    call_command("myit", "sync", "--all")
    second = capsys.readouterr().out

    assert "[1/1] waste-tracking: 6 created, 0 updated" in first
    assert "[1/1] waste-tracking: in step, nothing written" in second
    assert fake_myit.writes == writes


def test_cli_dry_run_prints_each_difference(waste, fake_myit, capsys):
    call_command("myit", "sync", "--all", "--dry-run")

    out = capsys.readouterr().out
    assert "create cmdb_ci_service_business service: name='Waste tracking'" in out
    assert fake_myit.writes == 0


def test_cli_refuses_unknown_services_and_a_failed_sync_exits_non_zero(waste, fake_myit):
    with pytest.raises(CommandError, match="No service nowhere"):
        call_command("myit", "sync", "nowhere")
    with pytest.raises(CommandError, match="or give --all"):
        call_command("myit", "sync")
    fake_myit.inject(status=500, times=100, message="Database is read only")
    with pytest.raises(CommandError, match="Database is read only"):
        call_command("myit", "sync", "waste-tracking")


def test_cli_shows_the_checks(waste, fake_myit, capsys):
    call_command("myit", "sync", "waste-tracking")
    call_command("myit", "checks", "waste-tracking")

    assert "PB-2: met" in capsys.readouterr().out


def test_credentials_appear_in_no_page_log_or_run(page, waste, fake_myit, settings, caplog):
    settings.OSR_MYIT_PASSWORD = "Wr0ng-but-s3cret"
    caplog.set_level("DEBUG")
    with pytest.raises(CommandError, match="User Not Authenticated"):
        call_command("myit", "sync", "waste-tracking")

    run = SyncRun.objects.get()
    shown = page("admin").get(run.get_absolute_url()).content.decode()
    shown += page("admin").get("/services/waste-tracking").content.decode()
    assert "User Not Authenticated" in shown
    for text in [shown, caplog.text, run.message]:
        assert "Wr0ng-but-s3cret" not in text


def test_fake_myit_is_an_osr_command():
    from django.core.management import get_commands

    assert get_commands()["fake-myit"] == "osr.myit"
