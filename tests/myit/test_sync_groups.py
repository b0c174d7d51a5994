"""Support groups are known by their MyIT identity (sys_id), never confused by their names."""

import pytest

from osr.myit import services
from osr.myit.choices import SyncStatus
from osr.myit.models import MyitRecord

from ..factories import ComponentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

QUEUE = "CDP Platform support"


def sync(client, *chosen):
    runs = services.sync_now(list(chosen), by=None, client=client)
    assert all(run.status == SyncStatus.SUCCEEDED for run in runs), [r.message for r in runs]
    return runs


def service_with_queue(users, name, slug):
    service = ServiceFactory(name=name, slug=slug, delivery_group=users.own)
    ComponentFactory(service=service, name=f"{name} web", support_group=QUEUE)
    return service


def component_group(fake, name):
    [component] = [c for c in fake.records("cmdb_ci_service_auto") if c["name"] == name]
    return component["support_group"]


def groups_named(fake, name):
    return [g["sys_id"] for g in fake.records("sys_user_group") if g["name"] == name]


def test_a_queue_renamed_in_myit_keeps_matching_for_every_service(client, fake_myit, users):
    queue = fake_myit.seed("sys_user_group", name=QUEUE)["sys_id"]
    waste = service_with_queue(users, "Waste tracking", "waste-tracking")
    sync(client, waste)
    client.patch("sys_user_group", queue, {"name": "CDP Platform Support (L2)"})
    flood = service_with_queue(users, "Flood alerts", "flood-alerts")

    sync(client, flood, waste)

    assert component_group(fake_myit, "Flood alerts web") == queue
    assert component_group(fake_myit, "Waste tracking web") == queue
    assert groups_named(fake_myit, QUEUE) == []
    assert client.get("sys_user_group", queue)["name"] == "CDP Platform Support (L2)"


def test_a_second_group_of_the_same_name_does_not_take_the_remembered_ones_place(
    client, fake_myit, users
):
    queue = fake_myit.seed("sys_user_group", name=QUEUE)["sys_id"]
    waste = service_with_queue(users, "Waste tracking", "waste-tracking")
    sync(client, waste)
    # A namesake made by hand later, first in MyIT's sys_id order.
    fake_myit.seed("sys_user_group", name=QUEUE, sys_id="0" * 32)
    flood = service_with_queue(users, "Flood alerts", "flood-alerts")

    sync(client, flood)
    sync(client, waste)

    assert component_group(fake_myit, "Flood alerts web") == queue
    assert component_group(fake_myit, "Waste tracking web") == queue


def test_a_services_support_group_is_never_adopted_by_another_of_that_name(
    client, fake_myit, users
):
    payments = ServiceFactory(name="Payments", slug="payments", delivery_group=users.own)
    sync(client, payments)
    theirs = MyitRecord.objects.get(service=payments, key="group:support").sys_id
    payments.name = "Payments (legacy)"
    payments.save()  # renamed in OSR, not synced yet: MyIT still calls its group "Payments support"
    successor = ServiceFactory(name="Payments", slug="payments-v2", delivery_group=users.own)

    sync(client, successor)

    mine = MyitRecord.objects.get(service=successor, key="group:support").sys_id
    assert mine != theirs
    assert sorted(groups_named(fake_myit, "Payments support")) == sorted([theirs, mine])
    sync(client, payments)
    assert MyitRecord.objects.get(service=payments, key="group:support").sys_id == theirs
    assert client.get("sys_user_group", theirs)["name"] == "Payments (legacy) support"


def test_a_support_group_renamed_in_myit_is_still_the_services(client, fake_myit, users):
    waste = ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    sync(client, waste)
    group = MyitRecord.objects.get(service=waste, key="group:support").sys_id
    client.patch("sys_user_group", group, {"name": "Waste Tracking Service Desk"})
    groups = len(fake_myit.records("sys_user_group"))

    sync(client, waste)

    assert len(fake_myit.records("sys_user_group")) == groups
    [service] = fake_myit.records("cmdb_ci_service_business")
    assert service["support_group"] == group
