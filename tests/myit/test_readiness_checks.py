"""MyIT and dev tools checks decide their requirements in the readiness evaluation."""

import datetime as dt

import pytest

from osr.devtools import services as devtools
from osr.devtools.choices import ChangeStatus
from osr.devtools.hosts import Delivery
from osr.devtools.models import ChangeRequest
from osr.myit import services
from osr.myit.models import MyitRecord
from osr.readiness.checks import registered_checks
from osr.readiness.services import readiness_of

from ..factories import ComponentFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)


def requirement(service, requirement_id):
    evaluation = readiness_of(service, today=TODAY)
    return next(r for r in evaluation.requirements if r.id == requirement_id)


def test_myit_and_devtools_provide_the_checks_readiness_declares():
    found = registered_checks()
    for name in [
        "myit.ticket_assignment",
        "myit.configuration_uploaded",
        "myit.record_complete",
        "myit.support_queues",
        "devtools.change_raised",
    ]:
        assert not found[name].pending, name


def test_requirements_are_met_automatically_from_what_myit_holds(client, fake_myit, users):
    owner = PersonFactory(email="owner@defra.example")
    fake_myit.seed("sys_user", name="Owner", email="owner@defra.example")
    service = ServiceFactory(
        slug="waste",
        name="Waste",
        description="Waste",
        data_owner=owner,
        service_owner=owner,
        delivery_group=users.own,
    )
    ComponentFactory(service=service, name="Web")
    assert requirement(service, "PB-2").reason == "The service has not been synced to MyIT yet"

    services.sync_now([service], by=None, client=client)
    group = MyitRecord.objects.get(service=service, key="group:support").sys_id
    fake_myit.seed("sys_user_grmember", group=group, user="u" * 32)
    services.sync_now([service], by=None, client=client)

    for requirement_id in ["PB-2", "PB-3", "PUB-1", "LV-2"]:
        result = requirement(service, requirement_id)
        assert result.status == "met" and result.automatic, (requirement_id, result.reason)


def test_pub2_is_met_once_a_change_was_raised_through_an_integration(users):
    service = ServiceFactory(slug="waste", delivery_group=users.own)
    assert requirement(service, "PUB-2").status != "met"
    integration, _ = devtools.create_integration(
        service, host="github", name="waste", component=None, by=users.delivery
    )
    change, _ = devtools.receive_delivery(
        integration, Delivery(delivery_id="d1", event="github deployment", summary="Deploy")
    )
    ChangeRequest.objects.filter(pk=change.pk).update(status=ChangeStatus.RAISED)

    result = requirement(service, "PUB-2")

    assert result.status == "met" and result.automatic
    assert result.reason == "Changes are raised automatically through GitHub: waste"
