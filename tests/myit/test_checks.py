"""The automatic checks MyIT decides: PB-2, PB-3, PUB-1, LV-1 and LV-2."""

import pytest

from osr.myit import services
from osr.myit.checks import CHECKS, NOT_SYNCED, evaluate
from osr.myit.mapping import Mapping, mapping_from
from osr.myit.models import MyitRecord

from ..factories import ComponentFactory, PersonFactory, ServiceFactory

MAPPING = Mapping()


def complete_holding(**changes):
    service_fields = {f: "x" for f in MAPPING.required_fields["service"]}
    held = {
        "service": {"sys_id": "s" * 32, "fields": service_fields},
        "offering": {
            "sys_id": "o" * 32,
            "fields": {f: "x" for f in MAPPING.required_fields["offering"]},
        },
        "components": [
            {
                "key": "component:1",
                "name": "Web",
                "sys_id": "c" * 32,
                "related": True,
                "fields": {"name": "Web", "support_group": "g" * 32},
            }
        ],
        "groups": [
            {
                "key": "group:support",
                "role": "support",
                "name": "S",
                "sys_id": "g" * 32,
                "members": 2,
            },
            {
                "key": "group:change",
                "role": "change",
                "name": "C",
                "sys_id": "h" * 32,
                "members": 0,
            },
        ],
    }
    held.update(changes)
    return held


def results(held, mapping=MAPPING):
    return {r.requirement_id: r for r in evaluate(held, mapping)}


def test_a_complete_myit_record_meets_every_check():
    assert all(r.met for r in results(complete_holding()).values())


def test_nothing_is_met_before_the_first_sync():
    found = results({})
    assert set(found) == set(CHECKS)
    assert all(not r.met and r.reason == NOT_SYNCED for r in found.values())


def test_ticket_assignment_needs_the_offering_to_route_to_a_group():
    held = complete_holding()
    held["offering"]["fields"]["support_group"] = ""
    assert not results(held)["PB-2"].met
    assert "does not route" in results(held)["PB-2"].reason


def test_configuration_needs_every_component_related_to_the_offering():
    held = complete_holding()
    held["components"][0]["related"] = False
    assert results(held)["PB-3"].reason == "Components not related to the offering: Web"


def test_record_is_incomplete_while_a_required_field_is_empty():
    held = complete_holding()
    held["service"]["fields"]["owned_by"] = ""
    assert results(held)["PUB-1"].reason == "The business service lacks owned_by"


def test_required_fields_are_configuration():
    held = complete_holding()
    held["service"]["fields"]["u_tier"] = ""
    mapping = mapping_from({"required_fields": {"service": ["u_tier"]}})
    assert not results(held, mapping)["PUB-1"].met
    assert results(held)["PUB-1"].met


def test_data_owner_must_be_set_in_myit():
    held = complete_holding()
    held["service"]["fields"]["owned_by"] = ""
    assert not results(held)["LV-1"].met


def test_support_queues_need_members():
    held = complete_holding()
    held["groups"][0]["members"] = 0
    assert results(held)["LV-2"].reason == "Queue S has no members"


@pytest.mark.django_db
def test_checks_read_what_myit_holds_after_a_sync(client, fake_myit, users):
    owner = PersonFactory(email="owner@defra.example")
    service = ServiceFactory(
        name="Waste",
        description="Waste",
        data_owner=owner,
        service_owner=owner,
        delivery_group=users.own,
    )
    ComponentFactory(service=service, name="Web")
    services.sync_now([service], by=None, client=client)
    before = {r.requirement_id: r for r in services.checks_for(service)}
    assert before["PB-2"].met and before["PB-3"].met
    assert not before["LV-1"].met and not before["PUB-1"].met  # MyIT knows no such user
    assert not before["LV-2"].met

    user = fake_myit.seed("sys_user", name="Owner", email="owner@defra.example")
    group = MyitRecord.objects.get(service=service, key="group:support").sys_id
    fake_myit.seed("sys_user_grmember", group=group, user=user["sys_id"])
    services.sync_now([service], by=None, client=client)

    after = {r.requirement_id: r for r in services.checks_for(service)}
    assert all(r.met for r in after.values()), after
