"""The audit trail: who changed which field from what to what, and in which request."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Component, Service, Team
from osr.core.audit import acting_as

from ..factories import PersonFactory, ServiceFactory, SupplierFactory, TeamFactory

pytestmark = pytest.mark.django_db

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def entries_for(model, pk) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)
        ).order_by("timestamp", "id")
    )


def only_entry(model, pk, action) -> LogEntry:
    found = [e for e in entries_for(model, pk) if e.action == action]
    assert len(found) == 1, found
    return found[0]


# --- Through the API --------------------------------------------------------------------


def test_api_create_update_delete_are_attributed_to_the_user_and_request(api, users):
    client = api("delivery")
    created = client.post(
        "/api/v1/services",
        {"name": "Waste tracking", "slug": "waste-tracking", "delivery_group": "farming"},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    entry = only_entry(Service, pk, CREATE)
    assert entry.actor == users.delivery
    assert entry.cid == created["X-Request-ID"]

    patched = client.patch("/api/v1/services/waste-tracking", {"description": "Tracks waste"})
    assert patched.status_code == 200
    entry = only_entry(Service, pk, UPDATE)
    assert entry.actor == users.delivery
    assert entry.cid == patched["X-Request-ID"] != created["X-Request-ID"]
    assert entry.changes_dict == {"description": ["", "Tracks waste"]}

    deleted = api("osr_manager").delete("/api/v1/services/waste-tracking")
    assert deleted.status_code == 204
    entry = only_entry(Service, pk, DELETE)
    assert entry.actor == users.osr_manager
    assert entry.cid == deleted["X-Request-ID"]


def test_a_new_or_deleted_service_is_audited_by_its_own_fields_only(api, users):
    """Nothing refers to a new service yet: its entry lists its own fields, and saving it
    asks nothing about what might refer to it (stored readiness, change model, …)."""
    own = {field.name for field in Service._meta.concrete_fields}
    client = api("delivery")
    body = {"name": "Waste tracking", "slug": "waste-tracking", "delivery_group": "farming"}
    with CaptureQueriesContext(connection) as queries:
        created = client.post("/api/v1/services", body)
    assert created.status_code == 201
    pk = created.json()["id"]
    entry = only_entry(Service, pk, CREATE)
    assert entry.changes_dict["name"] == ["None", "Waste tracking"]
    assert set(entry.changes_dict) <= own, set(entry.changes_dict) - own
    referring = ("readiness_readinessresult", "devtools_changemodel", "guides_operationsprofile")
    asked = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and any(
        f'FROM "{table}"' in q["sql"] for table in referring
    )]  # fmt: skip
    assert asked == []

    assert api("osr_manager").delete("/api/v1/services/waste-tracking").status_code == 204
    entry = only_entry(Service, pk, DELETE)
    assert entry.changes_dict["slug"] == ["waste-tracking", "None"]
    assert set(entry.changes_dict) <= own, set(entry.changes_dict) - own


def test_a_request_id_given_by_the_caller_is_kept(api, users):
    client = api("admin")
    client.headers["X-Request-ID"] = "trace-0001"
    response = client.post("/api/v1/suppliers", {"name": "Acme", "slug": "acme"})
    assert response["X-Request-ID"] == "trace-0001"
    entry = LogEntry.objects.get(object_repr="Acme")
    assert entry.cid == "trace-0001" and entry.actor == users.admin


def test_an_entry_records_the_address_the_request_came_from(api, users):
    client = api("admin")
    client.post("/api/v1/suppliers", {"name": "Acme", "slug": "acme"})
    assert LogEntry.objects.get(object_repr="Acme").remote_addr == "127.0.0.1"
    # Behind a proxy, the first address it forwards, and the port it names.
    client.headers |= {"X-Forwarded-For": "10.1.2.3, 10.0.0.1", "X-Forwarded-Port": "8443"}
    client.post("/api/v1/suppliers", {"name": "Bolt", "slug": "bolt"})
    entry = LogEntry.objects.get(object_repr="Bolt")
    assert (entry.remote_addr, entry.remote_port, entry.actor) == ("10.1.2.3", 8443, users.admin)


def test_an_entry_written_outside_a_request_names_no_address(api, users):
    api("admin").post("/api/v1/suppliers", {"name": "Acme", "slug": "acme"})
    with acting_as(users.admin):
        SupplierFactory(name="Bolt")
    assert LogEntry.objects.get(object_repr="Bolt").remote_addr is None


def test_a_request_leaves_the_receivers_of_saves_as_it_found_them(api, users):
    # Connecting or disconnecting a receiver empties Django's cache of the receivers
    # of every model's saves; a request that did so made every later save look
    # them up again.
    client = api("admin")
    SupplierFactory(name="Before")  # a save fills the cache for its model and its entry's
    receivers, cached = list(pre_save.receivers), set(pre_save.sender_receivers_cache)
    assert cached
    client.post("/api/v1/suppliers", {"name": "Acme", "slug": "acme"})
    assert pre_save.receivers == receivers
    assert cached <= set(pre_save.sender_receivers_cache)


def test_a_malformed_request_id_is_replaced(api, users):
    client = api("admin")
    client.headers["X-Request-ID"] = "not ok; drop table"
    response = client.post("/api/v1/suppliers", {"name": "Acme", "slug": "acme"})
    assert response["X-Request-ID"] != "not ok; drop table"
    assert LogEntry.objects.get(object_repr="Acme").cid == response["X-Request-ID"]


def test_every_entry_of_one_request_shares_its_id(api, users):
    people = PersonFactory.create_batch(2)
    response = api("osr_manager").post(
        "/api/v1/teams",
        {
            "name": "Flood team",
            "slug": "flood-team",
            "delivery_group": "farming",
            "members": [p.pk for p in people],
        },
    )
    assert response.status_code == 201
    team_entries = entries_for(Team, response.json()["id"])
    assert len(team_entries) >= 2  # the team, then its members
    assert {e.cid for e in team_entries} == {response["X-Request-ID"]}
    assert {e.actor for e in team_entries} == {users.osr_manager}


def test_phase_move_through_the_api_is_audited(api, users):
    service = ServiceFactory(slug="flood", delivery_group=users.own)
    response = api("delivery").post("/api/v1/services/flood/phase", {"phase": "alpha"})
    assert response.status_code == 200
    entry = only_entry(Service, service.pk, UPDATE)
    assert entry.actor == users.delivery
    assert entry.cid == response["X-Request-ID"]
    assert entry.changes_dict["phase"] == ["discovery", "alpha"]


def test_refused_writes_leave_no_entry(api, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    outsider, admin = api("outsider"), api("admin")  # issuing their tokens is audited
    before = LogEntry.objects.count()
    assert outsider.patch("/api/v1/services/flood", {"name": "X"}).status_code == 403
    assert admin.patch("/api/v1/services/flood", {"name": ""}).status_code == 422
    assert LogEntry.objects.count() == before


# --- Many-to-many changes -----------------------------------------------------------------


def test_team_members_added_and_removed_are_recorded(api, page, users):
    team = TeamFactory(slug="flood-team", delivery_group=users.own)
    ada, grace = PersonFactory(name="Ada Lovelace"), PersonFactory(name="Grace Hopper")
    client = api("osr_manager")
    added = client.patch("/api/v1/teams/flood-team", {"members": [ada.pk, grace.pk]})
    assert added.status_code == 200
    removed = client.patch("/api/v1/teams/flood-team", {"members": [grace.pk]})
    assert removed.status_code == 200

    m2m = [e for e in entries_for(Team, team.pk) if "members" in (e.changes_dict or {})]
    changes = [e.changes_dict["members"] for e in m2m]
    assert [(c["operation"], sorted(c["objects"])) for c in changes] == [
        ("add", ["Ada Lovelace", "Grace Hopper"]),
        ("delete", ["Ada Lovelace"]),
    ]
    assert [e.cid for e in m2m] == [added["X-Request-ID"], removed["X-Request-ID"]]
    assert {e.actor for e in m2m} == {users.osr_manager}

    body = page("viewer").get(f"/audit/catalogue/team/{team.pk}").content.decode()
    assert (
        "Added: Ada Lovelace, Grace Hopper" in body or "Added: Grace Hopper, Ada Lovelace" in body
    )
    assert "Removed: Ada Lovelace" in body


def test_contract_components_are_recorded(api, users):
    supplier = SupplierFactory(slug="acme")
    component = Component.objects.create(
        service=ServiceFactory(), name="Payments API", kind="api", hosting="cdp", supplier=supplier
    )
    response = api("admin").post(
        "/api/v1/contracts",
        {
            "supplier": "acme",
            "reference": "CON-1",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "components": [component.pk],
        },
    )
    assert response.status_code == 201
    m2m = LogEntry.objects.filter(changes__icontains='"m2m"', object_repr="CON-1").get()
    assert m2m.changes_dict["components"]["objects"] == [str(component)]
    assert m2m.actor == users.admin


# --- Through the pages --------------------------------------------------------------------


SERVICE_FORM = {
    "name": "Waste tracking",
    "slug": "waste-tracking",
    "delivery_group": "farming",
    "support_hours": "business_hours",
}


def test_page_create_update_delete_are_attributed_to_the_user_and_request(page, users):
    browser = page("osr_manager")
    created = browser.post("/services/add", SERVICE_FORM)
    assert created.status_code == 302
    service = Service.objects.get(slug="waste-tracking")
    entry = only_entry(Service, service.pk, CREATE)
    assert entry.actor == users.osr_manager
    assert entry.cid == created["X-Request-ID"]

    edited = browser.post("/services/waste-tracking/edit", SERVICE_FORM | {"name": "Track waste"})
    assert edited.status_code == 302
    entry = only_entry(Service, service.pk, UPDATE)
    assert entry.actor == users.osr_manager
    assert entry.cid == edited["X-Request-ID"]
    assert entry.changes_dict == {"name": ["Waste tracking", "Track waste"]}

    deleted = browser.post("/services/waste-tracking/delete")
    assert deleted.status_code == 302
    entry = only_entry(Service, service.pk, DELETE)
    assert entry.actor == users.osr_manager
    assert entry.cid == deleted["X-Request-ID"]


def test_page_edit_of_team_members_is_recorded(page, users):
    team = TeamFactory(slug="flood-team", name="Flood team", delivery_group=users.own)
    ada = PersonFactory(name="Ada Lovelace")
    response = page("live_services_manager").post(
        "/teams/flood-team/edit",
        {
            "name": "Flood team",
            "slug": "flood-team",
            "kind": "delivery",
            "delivery_group": "farming",
            "members": [ada.pk],
        },
    )
    assert response.status_code == 302
    entry = next(e for e in entries_for(Team, team.pk) if "members" in e.changes_dict)
    assert entry.changes_dict["members"]["objects"] == ["Ada Lovelace"]
    assert entry.actor == users.live_services_manager
    assert entry.cid == response["X-Request-ID"]


# --- What the audit pages show ------------------------------------------------------------


def test_audit_page_shows_who_changed_which_field_from_what_to_what(api, page, users):
    ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own)
    response = api("delivery").patch(
        "/api/v1/services/flood", {"name": "Sign up for flood warnings"}
    )
    assert response.status_code == 200
    body = page("viewer").get("/audit").content.decode()
    assert "Delivery" in body  # who, by the name of the person they are
    assert "Name" in body  # which field
    assert "<del>Flood warnings</del>" in body  # from what
    assert "Sign up for flood warnings" in body  # to what
    assert response["X-Request-ID"] in body


def test_object_audit_page_shows_only_that_objects_history(api, page, users):
    mine = ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own)
    ServiceFactory(slug="rod", name="Rod licences", delivery_group=users.own)
    client = api("osr_manager")
    client.patch("/api/v1/services/flood", {"critical": True, "critical_reason": "Saves lives"})
    client.patch("/api/v1/services/rod", {"description": "Fishing"})
    response = page("viewer").get(f"/audit/catalogue/service/{mine.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Change history of Flood warnings" in body
    assert "Critical" in body and "Saves lives" in body
    assert "Osr Manager" in body  # the actor's full name, not their username
    assert "Fishing" not in body and "Rod licences" not in body


def test_audit_page_searches_by_object_name(page, users):
    with acting_as(users.admin):
        ServiceFactory(name="Flood warnings", delivery_group=users.own)
        ServiceFactory(name="Rod licences", delivery_group=users.own)
    body = page("viewer").get("/audit", {"q": "flood"}).content.decode()
    assert "Flood warnings" in body and "Rod licences" not in body


def test_changes_outside_a_request_name_the_acting_user(users):
    with acting_as(users.admin):
        service = ServiceFactory(delivery_group=users.own)
    entry = only_entry(Service, service.pk, CREATE)
    assert entry.actor == users.admin


@pytest.mark.parametrize("url", ["/audit/catalogue/nothing/1", "/audit/nowhere/service/1"])
def test_audit_of_an_unknown_kind_is_not_found(page, users, url):
    assert page("viewer").get(url).status_code == 404


def test_audit_of_a_deleted_object_still_shows_its_history(api, page, users):
    service = ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own)
    assert api("admin").delete("/api/v1/services/flood").status_code == 204
    body = page("viewer").get(f"/audit/catalogue/service/{service.pk}").content.decode()
    assert "Deleted" in body and "Flood warnings" in body and "Admin" in body


def test_a_background_task_writes_as_the_person_it_names(users):
    from osr.core.audit import attributed

    @attributed(lambda service_id: users.delivery)
    def rename(service_id: int) -> None:
        service = Service.objects.get(pk=service_id)
        service.name = "Renamed by a task"
        service.save()

    service = ServiceFactory(delivery_group=users.own)
    rename(service.pk)
    entry = LogEntry.objects.get_for_object(service).latest("timestamp")
    assert entry.changes_dict["name"][1] == "Renamed by a task"
    assert entry.actor == users.delivery


def test_a_command_writes_as_the_person_it_acts_for(users):
    from osr.core.audit import AttributedCommand

    service = ServiceFactory(delivery_group=users.own)

    class Rename(AttributedCommand):
        def acting_user(self, options):
            return users.osr_manager

        def handle(self, *args, **options):
            service.name = "Renamed by a command"
            service.save()

    Rename().execute(no_color=True, force_color=False, skip_checks=True)
    entry = LogEntry.objects.get_for_object(service).latest("timestamp")
    assert entry.actor == users.osr_manager


def test_an_outer_attribution_is_kept_by_what_it_calls(users):

    service = ServiceFactory(delivery_group=users.own)
    with acting_as(users.admin), acting_as(users.delivery):
        service.name = "Renamed"
        service.save()
    assert LogEntry.objects.get_for_object(service).latest("timestamp").actor == users.admin
