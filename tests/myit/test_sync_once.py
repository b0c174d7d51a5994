"""Two syncs of one service never run at once: the database refuses a second active run."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from osr.core.refusals import Conflicting
from osr.myit import services
from osr.myit.choices import SyncStatus
from osr.myit.models import SyncRun

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db

BUSY = "Waste tracking is already syncing to MyIT"


@pytest.fixture
def waste(users, fake_myit):
    return ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)


def test_a_second_request_while_one_is_queued_is_refused(waste):
    services.request_sync([waste], by=None, enqueue=False)

    for dry_run in (False, True):
        with pytest.raises(Conflicting, match=BUSY):
            services.request_sync([waste], by=None, dry_run=dry_run, enqueue=False)
    assert SyncRun.objects.count() == 1


def test_a_second_request_while_one_runs_is_refused_and_allowed_once_it_finished(waste, client):
    [run] = services.request_sync([waste], by=None, enqueue=False)
    SyncRun.objects.filter(pk=run.pk).update(status=SyncStatus.RUNNING)
    with pytest.raises(Conflicting, match=BUSY):
        services.request_sync([waste], by=None, enqueue=False)

    SyncRun.objects.filter(pk=run.pk).update(status=SyncStatus.SUCCEEDED)
    [again] = services.sync_now([waste], by=None, client=client)
    assert again.status == SyncStatus.SUCCEEDED


def test_the_database_holds_one_active_run_per_service(waste):
    SyncRun.objects.create(service=waste)
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRun.objects.create(service=waste, dry_run=True, status=SyncStatus.RUNNING)
    SyncRun.objects.create(service=waste, status=SyncStatus.FAILED)


def test_a_run_abandoned_for_hours_no_longer_blocks(waste, client):
    from django.utils import timezone

    [run] = services.request_sync([waste], by=None, enqueue=False)
    long_ago = timezone.now() - services.ABANDONED_AFTER
    SyncRun.objects.filter(pk=run.pk).update(status=SyncStatus.RUNNING, queued_at=long_ago)

    [again] = services.sync_now([waste], by=None, client=client)

    assert again.status == SyncStatus.SUCCEEDED
    run.refresh_from_db()
    assert run.status == SyncStatus.FAILED and "abandoned" in run.message


def test_api_answers_409_with_a_message(api, waste):
    first = api("delivery").post("/api/v1/services/waste-tracking/myit/sync")
    second = api("delivery").post("/api/v1/services/waste-tracking/myit/sync?dry_run=true")

    assert first.status_code == 202
    assert second.status_code == 409
    assert BUSY in str(second.json())


def test_page_says_already_syncing(page, waste):
    client = page("delivery")
    client.post("/services/waste-tracking/myit/sync")

    response = client.post("/services/waste-tracking/myit/sync", follow=True)

    assert BUSY in response.content.decode()
    assert SyncRun.objects.count() == 1


def test_cli_exits_non_zero_with_one_line(waste):
    services.request_sync([waste], by=None, enqueue=False)

    with pytest.raises(CommandError) as refused:
        call_command("myit", "sync", "waste-tracking")

    assert str(refused.value).startswith(BUSY) and "\n" not in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_starts_make_one_run(users, fake_myit):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the rule is tested sequentially above")
    waste = ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start():
        try:
            barrier.wait()
            services.request_sync([waste], by=None, enqueue=False)
            outcomes.append("queued")
        except Conflicting:
            outcomes.append("refused")
        finally:
            connection.close()

    for _ in range(5):
        SyncRun.objects.all().delete()
        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["queued", "refused"]
        assert SyncRun.objects.filter(service=waste).count() == 1
        outcomes.clear()
