"""Who may write what: every role against every kind of write, own group and other group.

The table below is the rule book, written out cell by cell; each cell is tried
through the API, and the refused ones must leave the catalogue as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from osr.catalogue import models
from osr.core.roles import assign_role

from ..conftest import ApiClient, make_user
from ..factories import (
    ComponentFactory,
    ContractFactory,
    DependencyFactory,
    ExternalSystemFactory,
    PersonFactory,
    ServiceFactory,
    SupplierFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["viewer", "delivery", "osr_manager", "live_services_manager", "admin", "outsider"]

# The roles who may do each write. "own" is the group the delivery member and the
# two managers work in; the outsider is a delivery member of "other". Shared
# reference data (suppliers, contracts, external systems) belongs to no group; a
# person belongs to the groups that name them (see ``person_named``).
OWN_PEOPLE = {"delivery", "osr_manager", "live_services_manager", "admin"}
OWN_MANAGERS = {"osr_manager", "live_services_manager", "admin"}
OTHER_PEOPLE = {"outsider", "admin"}
ADMIN_ONLY = {"admin"}

TABLE: dict[tuple[str, str, str], set[str]] = {
    ("service", "create", "own"): OWN_PEOPLE,
    ("service", "create", "other"): OTHER_PEOPLE,
    ("service", "update", "own"): OWN_PEOPLE,
    ("service", "update", "other"): OTHER_PEOPLE,
    ("service", "delete", "own"): OWN_MANAGERS,
    ("service", "delete", "other"): ADMIN_ONLY,
    ("service", "move", "own"): OWN_PEOPLE,
    ("service", "move", "other"): OTHER_PEOPLE,
    ("component", "create", "own"): OWN_PEOPLE,
    ("component", "create", "other"): OTHER_PEOPLE,
    ("component", "update", "own"): OWN_PEOPLE,
    ("component", "update", "other"): OTHER_PEOPLE,
    ("component", "delete", "own"): OWN_PEOPLE,
    ("component", "delete", "other"): OTHER_PEOPLE,
    ("dependency", "create", "own"): OWN_PEOPLE,
    ("dependency", "create", "other"): OTHER_PEOPLE,
    ("dependency", "update", "own"): OWN_PEOPLE,
    ("dependency", "update", "other"): OTHER_PEOPLE,
    ("dependency", "delete", "own"): OWN_PEOPLE,
    ("dependency", "delete", "other"): OTHER_PEOPLE,
    ("team", "create", "own"): OWN_MANAGERS,
    ("team", "create", "other"): ADMIN_ONLY,
    ("team", "update", "own"): OWN_MANAGERS,
    ("team", "update", "other"): ADMIN_ONLY,
    ("team", "delete", "own"): OWN_MANAGERS,
    ("team", "delete", "other"): ADMIN_ONLY,
    ("delivery-group", "create", "-"): ADMIN_ONLY,
    ("delivery-group", "update", "own"): ADMIN_ONLY,
    ("delivery-group", "update", "other"): ADMIN_ONLY,
    ("delivery-group", "delete", "own"): ADMIN_ONLY,
    ("delivery-group", "delete", "other"): ADMIN_ONLY,
    ("person", "create", "-"): OWN_MANAGERS,
    # A person without an account, by where the catalogue names them: a manager
    # edits only their own groups' people.
    ("person", "update", "own-member"): OWN_MANAGERS,
    ("person", "update", "own-team"): OWN_MANAGERS,
    ("person", "update", "own-service"): OWN_MANAGERS,
    ("person", "update", "other"): ADMIN_ONLY,
    ("person", "update", "nowhere"): ADMIN_ONLY,
    # A person who signs in: only they and an administrator change their record.
    ("person", "update", "account-own"): ADMIN_ONLY,
    ("person", "update", "account-other"): ADMIN_ONLY,
    ("person", "update", "self"): set(ROLES),
    ("person", "delete", "-"): ADMIN_ONLY,
    ("supplier", "create", "-"): OWN_MANAGERS,
    ("supplier", "update", "-"): OWN_MANAGERS,
    ("supplier", "delete", "-"): ADMIN_ONLY,
    ("contract", "create", "-"): OWN_MANAGERS,
    ("contract", "update", "-"): OWN_MANAGERS,
    ("contract", "delete", "-"): ADMIN_ONLY,
    ("external-system", "create", "-"): OWN_MANAGERS,
    ("external-system", "update", "-"): OWN_MANAGERS,
    ("external-system", "delete", "-"): ADMIN_ONLY,
}

CELLS = [
    pytest.param(kind, action, scope, role, role in allowed, id=f"{kind}-{action}-{scope}-{role}")
    for (kind, action, scope), allowed in TABLE.items()
    for role in ROLES
]


@dataclass
class Write:
    """One attempted write: the request, and how to tell whether it happened."""

    method: str
    path: str
    body: dict | None
    happened: Callable[[], bool]


def _group(users, scope):
    return users.other if scope == "other" else users.own


def _exists(model, **lookup) -> Callable[[], bool]:
    return lambda: model.objects.filter(**lookup).exists()


def _gone(obj) -> Callable[[], bool]:
    return lambda: not type(obj).objects.filter(pk=obj.pk).exists()


def _changed(obj, field: str, value) -> Callable[[], bool]:
    return lambda: getattr(type(obj).objects.get(pk=obj.pk), field) == value


def person_named(scope: str, users, role: str):
    """The person a people-update cell edits: named by the catalogue where ``scope`` says."""
    if scope == "self":
        return users.by_role(role).person
    if scope.startswith("account-"):
        group = users.own if scope == "account-own" else users.other
        return make_user("colleague", "delivery", member_of=[group]).person
    person = PersonFactory()
    if scope == "own-member":
        users.own.members.add(person)
    elif scope == "own-team":
        TeamFactory(delivery_group=users.own).members.add(person)
    elif scope == "own-service":
        ServiceFactory(delivery_group=users.own, data_owner=person)
    elif scope == "other":
        ServiceFactory(delivery_group=users.other, service_owner=person)
        users.other.members.add(person)
    return person


def write_for(kind: str, action: str, scope: str, users, role: str = "") -> Write:
    """Set up what the write needs and describe it."""
    if kind == "person" and action == "update":
        person = person_named(scope, users, role)
        return Write(
            "patch",
            f"/api/v1/people/{person.pk}",
            {"email": "changed@defra.example"},
            _changed(person, "email", "changed@defra.example"),
        )
    group = _group(users, scope)
    if kind == "service":
        if action == "create":
            body = {"name": "New", "slug": "new-service", "delivery_group": group.slug}
            return Write(
                "post", "/api/v1/services", body, _exists(models.Service, slug="new-service")
            )
        service = ServiceFactory(slug="target", delivery_group=group)
        if action == "update":
            return Write(
                "patch",
                "/api/v1/services/target",
                {"name": "Renamed"},
                _changed(service, "name", "Renamed"),
            )
        if action == "move":
            return Write(
                "post",
                "/api/v1/services/target/phase",
                {"phase": "alpha"},
                _changed(service, "phase", "alpha"),
            )
        return Write("delete", "/api/v1/services/target", None, _gone(service))
    if kind == "component":
        service = ServiceFactory(slug="target", delivery_group=group)
        if action == "create":
            body = {"service": "target", "name": "Web", "kind": "api", "hosting": "cdp"}
            return Write("post", "/api/v1/components", body, _exists(models.Component, name="Web"))
        component = ComponentFactory(service=service)
        path = f"/api/v1/components/{component.pk}"
        if action == "update":
            return Write("patch", path, {"hosting": "aws"}, _changed(component, "hosting", "aws"))
        return Write("delete", path, None, _gone(component))
    if kind == "dependency":
        service = ServiceFactory(slug="target", delivery_group=group)
        ServiceFactory(slug="needed")
        if action == "create":
            body = {"from_service": "target", "to_service": "needed"}
            return Write(
                "post",
                "/api/v1/dependencies",
                body,
                _exists(models.Dependency, from_service=service),
            )
        dependency = DependencyFactory(from_service=service)
        path = f"/api/v1/dependencies/{dependency.pk}"
        if action == "update":
            return Write(
                "patch",
                path,
                {"carries_live_data": True},
                _changed(dependency, "carries_live_data", True),
            )
        return Write("delete", path, None, _gone(dependency))
    if kind == "team":
        if action == "create":
            body = {"name": "New team", "slug": "new-team", "delivery_group": group.slug}
            return Write("post", "/api/v1/teams", body, _exists(models.Team, slug="new-team"))
        team = TeamFactory(slug="target", delivery_group=group)
        if action == "update":
            return Write(
                "patch",
                "/api/v1/teams/target",
                {"name": "Renamed"},
                _changed(team, "name", "Renamed"),
            )
        return Write("delete", "/api/v1/teams/target", None, _gone(team))
    if kind == "delivery-group":
        if action == "create":
            return Write(
                "post",
                "/api/v1/delivery-groups",
                {"name": "Marine", "slug": "marine"},
                _exists(models.DeliveryGroup, slug="marine"),
            )
        path = f"/api/v1/delivery-groups/{group.slug}"
        if action == "update":
            return Write(
                "patch", path, {"description": "Changed"}, _changed(group, "description", "Changed")
            )
        return Write("delete", path, None, _gone(group))
    shared = {
        "person": (PersonFactory, "people", "pk", {"name": "Ada Lovelace"}, "name"),
        "supplier": (
            SupplierFactory,
            "suppliers",
            "slug",
            {"name": "Acme", "slug": "acme"},
            "name",
        ),
        "contract": (
            ContractFactory,
            "contracts",
            "pk",
            {
                "supplier": "acme",
                "reference": "CON-NEW",
                "start_date": "2025-01-01",
                "end_date": "2025-12-31",
            },
            "reference",
        ),
        "external-system": (
            ExternalSystemFactory,
            "external-systems",
            "slug",
            {"name": "Notify", "slug": "notify"},
            "name",
        ),
    }
    factory, path, lookup, body, name_field = shared[kind]
    if action == "create":
        if kind == "contract":
            SupplierFactory(slug="acme")
        model = factory._meta.model
        return Write(
            "post", f"/api/v1/{path}", body, _exists(model, **{name_field: body[name_field]})
        )
    obj = factory()
    url = f"/api/v1/{path}/{getattr(obj, lookup)}"
    if action == "update":
        return Write("patch", url, {name_field: "Renamed"}, _changed(obj, name_field, "Renamed"))
    return Write("delete", url, None, _gone(obj))


@pytest.mark.parametrize("kind, action, scope, role, allowed", CELLS)
def test_role_may_or_may_not_write(api, users, kind, action, scope, role, allowed):
    write = write_for(kind, action, scope, users, role)
    client = api(role)
    call = getattr(client, write.method)
    response = call(write.path, write.body) if write.body is not None else call(write.path)
    if allowed:
        assert response.status_code in (200, 201, 204), response.content
        assert write.happened()
    else:
        assert response.status_code == 403, response.content
        assert response.json()["detail"]
        assert not write.happened()


def test_the_table_covers_every_role_and_write():
    kinds = {
        "service",
        "component",
        "dependency",
        "team",
        "person",
        "supplier",
        "contract",
        "external-system",
        "delivery-group",
    }
    assert {kind for kind, _, _ in TABLE} == kinds
    for kind in kinds - {"delivery-group", "person", "supplier", "contract", "external-system"}:
        for action in ["create", "update", "delete"]:
            assert {(kind, action, "own"), (kind, action, "other")} <= set(TABLE)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_everything(api, users, role):
    service = ServiceFactory(delivery_group=users.other)
    for path in [
        "services",
        "components",
        "suppliers",
        "contracts",
        "external-systems",
        "dependencies",
        "delivery-groups",
        "teams",
        "people",
    ]:
        assert api(role).get(f"/api/v1/{path}").status_code == 200
    assert api(role).get(f"/api/v1/services/{service.slug}").status_code == 200


# --- Moving things between groups needs rights in both -------------------------------


@pytest.mark.parametrize(
    "role, allowed",
    [("delivery", False), ("osr_manager", False), ("outsider", False), ("admin", True)],
)
def test_moving_a_service_to_another_group_needs_rights_there(api, users, role, allowed):
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = api(role).patch("/api/v1/services/flood", {"delivery_group": "environment"})
    assert response.status_code == (200 if allowed else 403), response.content
    group = models.Service.objects.get(slug="flood").delivery_group
    assert group == (users.other if allowed else users.own)


def test_a_member_of_both_groups_may_move_a_service_between_them(api, users):
    users.other.members.add(users.delivery.person)
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = api("delivery").patch("/api/v1/services/flood", {"delivery_group": "environment"})
    assert response.status_code == 200, response.content
    assert models.Service.objects.get(slug="flood").delivery_group == users.other


def test_moving_a_component_to_another_groups_service_is_refused(api, users):
    component = ComponentFactory(service__delivery_group=users.own)
    ServiceFactory(slug="theirs", delivery_group=users.other)
    response = api("delivery").patch(f"/api/v1/components/{component.pk}", {"service": "theirs"})
    assert response.status_code == 403
    component.refresh_from_db()
    assert component.service.delivery_group == users.own


def test_moving_a_team_to_another_group_is_refused_to_its_manager(api, users):
    TeamFactory(slug="flood-team", delivery_group=users.own)
    response = api("osr_manager").patch(
        "/api/v1/teams/flood-team", {"delivery_group": "environment"}
    )
    assert response.status_code == 403
    assert models.Team.objects.get(slug="flood-team").delivery_group == users.own


def test_a_manager_listed_in_a_group_they_do_not_manage_may_not_edit_it(api, users):
    """Managers act for the groups they are assigned to, not every group naming them."""
    users.other.members.add(users.osr_manager.person)
    ServiceFactory(slug="theirs", delivery_group=users.other)
    response = api("osr_manager").patch("/api/v1/services/theirs", {"name": "Renamed"})
    assert response.status_code == 403


def test_a_manager_assigned_without_membership_edits_the_group(api, users):
    manager = make_user("assigned", "live_services_manager")
    users.other.live_services_manager = manager.person
    users.other.save()
    ServiceFactory(slug="theirs", delivery_group=users.other)
    response = ApiClient(manager).patch("/api/v1/services/theirs", {"name": "Renamed"})
    assert response.status_code == 200, response.content


def test_a_delivery_member_of_no_group_may_not_create_anything(api, users):
    loner = make_user("loner", "delivery")
    response = ApiClient(loner).post(
        "/api/v1/services", {"name": "X", "slug": "x", "delivery_group": "nowhere"}
    )
    assert response.status_code == 403


def test_only_an_administrator_may_force_a_phase_move(api, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    body = {"phase": "live", "force": True, "reason": "Emergency"}
    assert api("osr_manager").post("/api/v1/services/flood/phase", body).status_code == 403
    response = api("admin").post("/api/v1/services/flood/phase", body)
    assert response.status_code == 200, response.content


# --- The same rules on the pages -------------------------------------------------------

SERVICE_FORM = {"name": "New", "slug": "new-service", "support_hours": "business_hours"}


@pytest.mark.parametrize(
    "role, group, status",
    [
        ("delivery", "farming", 302),
        ("outsider", "farming", 403),
        ("viewer", "farming", 403),
        ("outsider", "environment", 302),
        ("osr_manager", "environment", 403),
        ("admin", "environment", 302),
    ],
)
def test_page_register_service(page, users, role, group, status):
    response = page(role).post("/services/add", SERVICE_FORM | {"delivery_group": group})
    assert response.status_code == status
    assert models.Service.objects.filter(slug="new-service").exists() == (status == 302)


@pytest.mark.parametrize(
    "role, status",
    [("viewer", 403), ("delivery", 200), ("osr_manager", 200), ("outsider", 403), ("admin", 200)],
)
def test_page_edit_service(page, users, role, status):
    ServiceFactory(slug="flood", delivery_group=users.own)
    assert page(role).get("/services/flood/edit").status_code == status


@pytest.mark.parametrize(
    "role, status",
    [("delivery", 403), ("outsider", 403), ("live_services_manager", 302), ("admin", 302)],
)
def test_page_delete_service(page, users, role, status):
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = page(role).post("/services/flood/delete")
    assert response.status_code == status
    assert models.Service.objects.filter(slug="flood").exists() == (status == 403)


@pytest.mark.parametrize("role, status", [("outsider", 403), ("viewer", 403), ("delivery", 302)])
def test_page_phase_move(page, users, role, status):
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = page(role).post("/services/flood/phase", {"phase": "alpha"})
    assert response.status_code == status
    assert (models.Service.objects.get(slug="flood").phase == "alpha") == (status == 302)


def test_page_edit_cannot_move_a_service_to_another_group(page, users):
    ServiceFactory(slug="flood", name="Flood", delivery_group=users.own)
    form = SERVICE_FORM | {"name": "Flood", "slug": "flood", "delivery_group": "environment"}
    response = page("delivery").post("/services/flood/edit", form)
    assert response.status_code == 403
    assert models.Service.objects.get(slug="flood").delivery_group == users.own


@pytest.mark.parametrize(
    "role, url, status",
    [
        ("delivery", "/teams/add", 403),
        ("osr_manager", "/teams/add", 200),
        ("delivery", "/suppliers/add", 403),
        ("live_services_manager", "/suppliers/add", 200),
        ("osr_manager", "/delivery-groups/add", 403),
        ("admin", "/delivery-groups/add", 200),
        ("viewer", "/components/add", 403),
        ("delivery", "/components/add", 200),
        ("outsider", "/services/add?delivery_group=farming", 403),
    ],
)
def test_page_add_forms_are_shown_only_to_who_may_add(page, users, role, url, status):
    assert page(role).get(url).status_code == status


@pytest.mark.parametrize("role, status", [("delivery", 403), ("osr_manager", 302)])
def test_page_create_supplier(page, users, role, status):
    response = page(role).post("/suppliers/add", {"name": "Acme", "slug": "acme"})
    assert response.status_code == status
    assert models.Supplier.objects.filter(slug="acme").exists() == (status == 302)


@pytest.mark.parametrize("role, status", [("outsider", 403), ("delivery", 403), ("admin", 302)])
def test_page_delete_team_of_own_group(page, users, role, status):
    TeamFactory(slug="flood-team", delivery_group=users.own)
    response = page(role).post("/teams/flood-team/delete")
    assert response.status_code == status


def test_page_hides_edit_links_from_who_may_not_edit(page, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    assert b"/services/flood/edit" in page("delivery").get("/services/flood").content
    assert b"/services/flood/edit" not in page("outsider").get("/services/flood").content


def _patched_with_statements(client: ApiClient, path: str, body: dict):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    etag = client.current_etag(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.patch(path, body, if_match=etag)
    return response, [q["sql"] for q in queries]


def test_an_api_write_reads_its_callers_roles_and_groups_with_no_statement_of_their_own(users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    client = ApiClient(users.delivery)
    response, statements = _patched_with_statements(
        client, "/api/v1/services/flood", {"description": "Changed"}
    )
    assert response.status_code == 200, response.content
    # The roles ride with the token; the groups are read through the person, in one query.
    assert [s for s in statements if s.startswith('SELECT "auth_group"')] == []
    assert [s for s in statements if s.startswith('SELECT "catalogue_person"')] == []
    assert len([s for s in statements if 'FROM "catalogue_deliverygroup"' in s]) == 1


def test_a_role_or_group_taken_away_counts_from_the_callers_next_request(users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    client = ApiClient(users.delivery)
    path = "/api/v1/services/flood"
    assert _patched_with_statements(client, path, {"description": "One"})[0].status_code == 200
    users.own.members.remove(users.delivery.person)
    assert _patched_with_statements(client, path, {"description": "Two"})[0].status_code == 403
    users.own.members.add(users.delivery.person)
    assign_role(users.delivery, "viewer")
    assert _patched_with_statements(client, path, {"description": "Three"})[0].status_code == 403


def test_a_person_with_several_roles_works_in_each_roles_groups(users):
    both = make_user(
        "both", "delivery", member_of=[users.own], manages=(users.other, "osr_manager")
    )
    both.groups.add(Group.objects.get(name="osr_manager"))
    ServiceFactory(slug="flood", delivery_group=users.own)
    ServiceFactory(slug="rivers", delivery_group=users.other)
    client = ApiClient(both)
    for path in ("/api/v1/services/flood", "/api/v1/services/rivers"):
        assert _patched_with_statements(client, path, {"description": "x"})[0].status_code == 200
