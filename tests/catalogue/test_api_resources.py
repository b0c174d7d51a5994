"""The generic API of every catalogue resource but services: CRUD, lists and errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from osr.catalogue import models

from ..factories import (
    ComponentFactory,
    ContractFactory,
    DeliveryGroupFactory,
    DependencyFactory,
    ExternalSystemFactory,
    PersonFactory,
    ServiceFactory,
    SupplierFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    """One resource: how to make an object of it, and a valid create and update."""

    path: str
    model: type
    make: Callable[[Any], Any]  # users -> an existing object
    payload: Callable[[Any], dict]  # users -> a valid create body
    change: dict  # a valid PATCH body
    lookup: str = "slug"
    expected: dict = field(default_factory=dict)  # fields of the created object, as answered

    def key(self, obj) -> Any:
        return getattr(obj, self.lookup)

    def __str__(self) -> str:
        return self.path


def _component_payload(users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    SupplierFactory(slug="acme")
    return {
        "service": "flood",
        "name": "Flood API",
        "kind": "api",
        "hosting": "azure",
        "supplier": "acme",
        "runbook_url": "https://runbooks.example/flood",
    }


def _contract_payload(users):
    SupplierFactory(slug="acme")
    parts = ComponentFactory.create_batch(2)
    return {
        "supplier": "acme",
        "reference": "CON-1",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        "components": [c.pk for c in parts],
    }


def _dependency_payload(users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    ServiceFactory(slug="defra-id", delivery_group=users.other)
    return {
        "from_service": "flood",
        "to_service": "defra-id",
        "kind": "identity",
        "carries_live_data": True,
        "description": "Sign-in",
    }


def _group_payload(users):
    people = PersonFactory.create_batch(2)
    return {
        "name": "Marine",
        "slug": "marine",
        "osr_manager": people[0].pk,
        "members": [p.pk for p in people],
    }


def _team_payload(users):
    people = PersonFactory.create_batch(2)
    return {
        "name": "Flood team",
        "slug": "flood-team",
        "kind": "support",
        "delivery_group": "farming",
        "contact_email": "flood@defra.example",
        "members": [p.pk for p in people],
    }


CASES = [
    Case(
        "components",
        models.Component,
        make=lambda users: ComponentFactory(service__delivery_group=users.own),
        payload=_component_payload,
        change={"name": "Flood API v2", "hosting": "aws", "supplier": None},
        lookup="pk",
        expected={"service": "flood", "supplier": "acme", "kind": "api"},
    ),
    Case(
        "suppliers",
        models.Supplier,
        make=lambda users: SupplierFactory(),
        payload=lambda users: {"name": "Acme Ltd", "slug": "acme"},
        change={"name": "Acme Holdings"},
        expected={"slug": "acme"},
    ),
    Case(
        "contracts",
        models.Contract,
        make=lambda users: ContractFactory(),
        payload=_contract_payload,
        change={"end_date": "2027-06-30", "components": []},
        lookup="pk",
        expected={"supplier": "acme", "start_date": "2025-01-01"},
    ),
    Case(
        "external-systems",
        models.ExternalSystem,
        make=lambda users: ExternalSystemFactory(),
        payload=lambda users: {
            "name": "GOV.UK Notify",
            "slug": "notify",
            "url": "https://www.notifications.service.gov.uk",
        },
        change={"description": "Sends email, text messages and letters"},
        expected={"slug": "notify"},
    ),
    Case(
        "dependencies",
        models.Dependency,
        make=lambda users: DependencyFactory(from_service__delivery_group=users.own),
        payload=_dependency_payload,
        change={"kind": "data_feed", "carries_live_data": False},
        lookup="pk",
        expected={"from_service": "flood", "to_service": "defra-id", "to_external": None},
    ),
    Case(
        "delivery-groups",
        models.DeliveryGroup,
        make=lambda users: DeliveryGroupFactory(),
        payload=_group_payload,
        change={"description": "Seas and coasts", "members": []},
        expected={"slug": "marine", "gaps": ["No live services manager"]},
    ),
    Case(
        "teams",
        models.Team,
        make=lambda users: TeamFactory(delivery_group=users.own),
        payload=_team_payload,
        change={"contact_email": "team@defra.example", "kind": "delivery"},
        expected={"delivery_group": "farming", "kind": "support"},
    ),
    Case(
        "people",
        models.Person,
        make=lambda users: PersonFactory(),
        payload=lambda users: {
            "name": "Ada Lovelace",
            "email": "ada@defra.example",
            "role_title": "Service owner",
        },
        change={"phone": "01234 567890"},
        lookup="pk",
        expected={"username": None},
    ),
]


def by_path(path: str) -> Case:
    return next(case for case in CASES if case.path == path)


@pytest.fixture(params=CASES, ids=str)
def case(request) -> Case:
    return request.param


# --- Create, read, update, delete ------------------------------------------------------


def test_create_read_update_delete_round_trip(api, users, case):
    client = api("admin")
    body = case.payload(users)
    created = client.post(f"/api/v1/{case.path}", body)
    assert created.status_code == 201, created.json()
    answer = created.json()
    for name, value in (body | case.expected).items():
        assert answer[name] == value, name
    key = answer[case.lookup if case.lookup != "pk" else "id"]

    read = client.get(f"/api/v1/{case.path}/{key}")
    assert read.status_code == 200
    assert read.json() == answer

    patched = client.patch(f"/api/v1/{case.path}/{key}", case.change)
    assert patched.status_code == 200, patched.json()
    after = patched.json()
    for name, value in case.change.items():
        assert after[name] == value, name
    untouched = set(answer) - set(case.change) - {"gaps"}
    assert {n: after[n] for n in untouched} == {n: answer[n] for n in untouched}
    assert client.get(f"/api/v1/{case.path}/{key}").json() == after

    deleted = client.delete(f"/api/v1/{case.path}/{key}")
    assert deleted.status_code == 204
    assert client.get(f"/api/v1/{case.path}/{key}").status_code == 404
    assert not case.model.objects.filter(pk=answer["id"]).exists()


def test_patch_with_an_empty_body_changes_nothing(api, users, case):
    obj = case.make(users)
    before = api("admin").get(f"/api/v1/{case.path}/{case.key(obj)}").json()
    response = api("admin").patch(f"/api/v1/{case.path}/{case.key(obj)}", {})
    assert response.status_code == 200, response.json()
    assert response.json() == before


def test_unknown_fields_are_refused_naming_them(api, users, case):
    obj = case.make(users)
    response = api("admin").patch(
        f"/api/v1/{case.path}/{case.key(obj)}", {"no_such_field": 1, "id": 999999}
    )
    assert response.status_code == 422, response.json()
    assert set(response.json()["errors"]) == {"no_such_field", "id"}


# --- Unknown objects ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_object_is_not_found(api, users, case, method):
    key = "no-such-thing" if case.lookup == "slug" else 987654
    client = api("admin")
    call = getattr(client, method)
    args = ({"name": "x"},) if method == "patch" else ()
    response = call(f"/api/v1/{case.path}/{key}", *args)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("key", ["abc", "1.5", "-1", "0", "99999999999999999999999999"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_odd_keys_in_the_path_are_not_found_or_invalid(api, users, case, key, method):
    client = api("admin")
    args = ({"name": "x"},) if method == "patch" else ()
    response = getattr(client, method)(f"/api/v1/{case.path}/{key}", *args)
    assert response.status_code in (404, 422), response.content


# --- Lists: search, filters, pagination -------------------------------------------------


def test_list_pages_in_a_stable_order_with_links(api, users, case):
    for _ in range(5):
        case.make(users)
    total = case.model.objects.count()
    client = api("viewer")
    first = client.get(f"/api/v1/{case.path}", page_size=2).json()
    assert first["count"] == total
    assert first["previous"] is None
    assert len(first["results"]) == 2
    seen = [row["id"] for row in first["results"]]
    url = first["next"]
    pages = 1
    while url:
        body = client.get(url).json()
        assert body["previous"]
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == (total + 1) // 2
    assert sorted(seen) == sorted(case.model.objects.values_list("pk", flat=True))
    assert len(set(seen)) == total


def test_previous_link_goes_back_a_page(api, users, case):
    for _ in range(5):
        case.make(users)
    client = api("viewer")
    second = client.get(f"/api/v1/{case.path}", page=2, page_size=2).json()
    first = client.get(second["previous"]).json()
    assert first == client.get(f"/api/v1/{case.path}", page=1, page_size=2).json()
    assert "page_size=2" in second["previous"] and "page=1" in second["previous"]


@pytest.mark.parametrize("page", [10_000, 10**18, 10**30])
def test_a_page_past_the_end_is_empty(api, users, case, page):
    case.make(users)
    response = api("viewer").get(f"/api/v1/{case.path}", page=page, page_size=200)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["results"] == [] and body["next"] is None and body["previous"]


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": 0},
        {"page_size": -1},
        {"page_size": 100_000},
        {"page": 0},
        {"page": "abc"},
        {"page_size": "lots"},
        {"page": "1.5"},
    ],
    ids=str,
)
def test_bad_paging_is_refused_with_field_errors(api, users, case, params):
    response = api("viewer").get(f"/api/v1/{case.path}", **params)
    assert response.status_code == 422, response.content
    assert set(response.json()["errors"]) <= {"page", "page_size"}


SEARCHES = {
    "components": ("q", "Flood", lambda users: ComponentFactory(name="Flood database")),
    "suppliers": ("q", "acme", lambda users: SupplierFactory(name="Acme Ltd")),
    "contracts": ("q", "Acme", lambda users: ContractFactory(supplier__name="Acme Ltd")),
    "external-systems": (
        "q",
        "payments",
        lambda users: ExternalSystemFactory(name="GOV.UK Pay", description="Takes payments"),
    ),
    "dependencies": (
        "q",
        "rod",
        lambda users: DependencyFactory(from_service__name="Get a rod fishing licence"),
    ),
    "delivery-groups": ("q", "marine", lambda users: DeliveryGroupFactory(name="Marine")),
    "teams": ("q", "flood", lambda users: TeamFactory(name="Flood support")),
    "people": ("q", "ada@", lambda users: PersonFactory(email="ada@defra.example")),
}


def test_search_finds_by_text(api, users, case):
    param, text, make = SEARCHES[case.path]
    for _ in range(3):
        case.make(users)
    wanted = make(users)
    body = api("viewer").get(f"/api/v1/{case.path}", **{param: text}).json()
    assert [row["id"] for row in body["results"]] == [wanted.pk]
    assert body["count"] == 1


def _filter_setup(path: str, users):
    """The query and the objects it should find, among others it should not."""
    if path == "components":
        svc = ServiceFactory(slug="flood")
        wanted = ComponentFactory(service=svc, kind="database", supplier=SupplierFactory(slug="x"))
        ComponentFactory(service=svc, kind="api")
        ComponentFactory(kind="database")
        return {"service": "flood", "kind": "database", "supplier": "x"}, [wanted]
    if path == "contracts":
        acme = SupplierFactory(slug="acme")
        wanted = ContractFactory.create_batch(2, supplier=acme)
        ContractFactory()
        return {"supplier": "acme"}, wanted
    if path == "dependencies":
        notify = ExternalSystemFactory(slug="notify")
        wanted = DependencyFactory(to_service=None, to_external=notify, carries_live_data=True)
        DependencyFactory(to_service=None, to_external=notify)
        DependencyFactory(carries_live_data=True)
        return {"to_external": "notify", "carries_live_data": "true"}, [wanted]
    if path == "teams":
        wanted = TeamFactory(delivery_group=users.own, kind="support")
        TeamFactory(delivery_group=users.own, kind="delivery")
        TeamFactory(delivery_group=users.other, kind="support")
        return {"delivery_group": "farming", "kind": "support"}, [wanted]
    return None


@pytest.mark.parametrize("path", ["components", "contracts", "dependencies", "teams"])
def test_filters_narrow_the_list(api, users, path):
    params, wanted = _filter_setup(path, users)
    body = api("viewer").get(f"/api/v1/{path}", **params).json()
    assert sorted(row["id"] for row in body["results"]) == sorted(o.pk for o in wanted)
    assert body["count"] == len(wanted)


@pytest.mark.parametrize(
    "path, params",
    [
        ("components", {"kind": "spaceship"}),
        ("components", {"hosting": "moon"}),
        ("dependencies", {"kind": "telepathy"}),
        ("teams", {"delivery_group": "nowhere"}),
        ("teams", {"kind": "band"}),
    ],
)
def test_an_unknown_filter_value_is_a_field_error(api, users, path, params):
    response = api("viewer").get(f"/api/v1/{path}", **params)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(params)


def test_a_filter_on_an_unknown_reference_finds_nothing(api, users):
    ComponentFactory()
    body = api("viewer").get("/api/v1/components", service="no-such-service").json()
    assert body["count"] == 0 and body["results"] == []


# --- Invalid input --------------------------------------------------------------------


def _errors(response) -> dict:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    return body["errors"]


def test_contract_cannot_end_before_it_starts(api, users):
    body = by_path("contracts").payload(users) | {"end_date": "2024-12-31"}
    errors = _errors(api("admin").post("/api/v1/contracts", body))
    assert "end_date" in errors
    assert not models.Contract.objects.exists()


def test_contract_patched_to_end_before_it_starts_is_refused(api, users):
    contract = ContractFactory(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    response = api("admin").patch(f"/api/v1/contracts/{contract.pk}", {"start_date": "2026-01-01"})
    assert "end_date" in _errors(response)
    contract.refresh_from_db()
    assert contract.start_date == dt.date(2025, 1, 1)


def test_service_cannot_depend_on_itself(api, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    body = {"from_service": "flood", "to_service": "flood"}
    errors = _errors(api("admin").post("/api/v1/dependencies", body))
    assert errors["to_service"] == ["A service cannot depend on itself"]


def test_dependency_patched_onto_itself_is_refused(api, users):
    dependency = DependencyFactory(from_service__slug="flood")
    response = api("admin").patch(f"/api/v1/dependencies/{dependency.pk}", {"to_service": "flood"})
    assert "to_service" in _errors(response)


@pytest.mark.parametrize("targets", [{}, {"to_service": "defra-id", "to_external": "notify"}])
def test_dependency_needs_exactly_one_target(api, users, targets):
    ServiceFactory(slug="flood", delivery_group=users.own)
    ServiceFactory(slug="defra-id")
    ExternalSystemFactory(slug="notify")
    body = {"from_service": "flood"} | targets
    errors = _errors(api("admin").post("/api/v1/dependencies", body))
    assert errors["to_service"] == ["Select either a service or an external system"]
    assert not models.Dependency.objects.exists()


@pytest.mark.parametrize(
    "path, name", [("people", "email"), ("teams", "contact_email")], ids=["person", "team"]
)
def test_bad_email_is_a_field_error(api, users, path, name):
    body = by_path(path).payload(users) | {name: "not-an-email"}
    assert name in _errors(api("admin").post(f"/api/v1/{path}", body))


@pytest.mark.parametrize(
    "path, body, fields",
    [
        (
            "components",
            {"service": "nowhere", "name": "", "kind": "api", "hosting": "cdp"},
            {"service", "name"},
        ),
        (
            "components",
            {"service": "flood", "name": "A", "kind": "x", "hosting": "y"},
            {"kind", "hosting"},
        ),
        (
            "components",
            {
                "service": "flood",
                "name": "A",
                "kind": "api",
                "hosting": "cdp",
                "runbook_url": "not a url",
            },
            {"runbook_url"},
        ),
        ("suppliers", {"name": "Acme", "slug": "not a slug"}, {"slug"}),
        (
            "contracts",
            {
                "supplier": "acme",
                "reference": "C",
                "start_date": "2025-01-01",
                "end_date": "2025-02-01",
                "components": [987654],
            },
            {"components"},
        ),
        ("external-systems", {"name": "Pay", "slug": "pay", "url": "ftp://pay"}, {"url"}),
        ("dependencies", {"from_service": "flood", "to_external": "nowhere"}, {"to_external"}),
        (
            "delivery-groups",
            {"name": "", "slug": "ok", "osr_manager": 987654},
            {"name", "osr_manager"},
        ),
        ("teams", {"name": "T", "slug": "t", "delivery_group": "nowhere"}, {"delivery_group"}),
        (
            "teams",
            {"name": "T", "slug": "t", "delivery_group": "farming", "members": [987654]},
            {"members"},
        ),
        ("people", {"name": ""}, {"name"}),
    ],
)
def test_invalid_values_are_field_errors(api, users, path, body, fields):
    ServiceFactory(slug="flood", delivery_group=users.own)
    SupplierFactory(slug="acme")
    assert set(_errors(api("admin").post(f"/api/v1/{path}", body))) == fields


def test_missing_required_fields_are_named(api, users, case):
    errors = _errors(api("admin").post(f"/api/v1/{case.path}", {}))
    assert errors
    assert "__all__" not in errors


BAD_VALUES = [
    {"nested": "object"},
    [1, 2, 3],
    ["a", "b"],
    10**30,
    -1,
    1.5,
    True,
    "",
    "x" * 5000,
    "2025-02-30",
    None,
]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=repr)
def test_a_wrong_value_in_any_field_is_never_a_server_error(api, users, case, bad):
    client = api("admin")
    body = case.payload(users)
    existing = case.make(users)
    for name in sorted(set(body) | set(case.change)):
        created = client.post(f"/api/v1/{case.path}", body | {name: bad})
        assert created.status_code in (201, 409, 422), (name, created.content)
        if created.status_code == 201:
            case.model.objects.filter(pk=created.json()["id"]).delete()
        patched = client.patch(f"/api/v1/{case.path}/{case.key(existing)}", {name: bad})
        assert patched.status_code in (200, 409, 422), (name, patched.content)
        existing.refresh_from_db()  # a valid new slug moves the object


@pytest.mark.parametrize(
    "raw", ["not json", "[]", '"a string"', "123", "null", '{"name": '], ids=repr
)
def test_a_body_that_is_not_a_json_object_is_refused(api, users, case, raw):
    obj = case.make(users)
    client = api("admin")
    for method, url in [
        ("post", f"/api/v1/{case.path}"),
        ("patch", f"/api/v1/{case.path}/{case.key(obj)}"),
    ]:
        response = getattr(client.client, method)(
            url, data=raw, content_type="application/json", headers=client.headers
        )
        assert response.status_code in (400, 422), (method, response.content)


# --- Conflicts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, make, body",
    [
        ("suppliers", lambda: SupplierFactory(slug="acme"), {"name": "Other", "slug": "acme"}),
        (
            "external-systems",
            lambda: ExternalSystemFactory(slug="notify"),
            {"name": "Other", "slug": "notify"},
        ),
        (
            "delivery-groups",
            lambda: DeliveryGroupFactory(slug="marine"),
            {"name": "Other", "slug": "marine"},
        ),
        (
            "teams",
            lambda: TeamFactory(slug="flood-team"),
            {"name": "Other", "slug": "flood-team", "delivery_group": "farming"},
        ),
        (
            "contracts",
            lambda: ContractFactory(reference="CON-1", supplier=SupplierFactory(slug="acme")),
            {
                "supplier": "acme",
                "reference": "CON-1",
                "start_date": "2025-01-01",
                "end_date": "2025-12-31",
            },
        ),
        (
            "components",
            lambda: ComponentFactory(name="Web", service=ServiceFactory(slug="flood")),
            {"service": "flood", "name": "Web", "kind": "api", "hosting": "cdp"},
        ),
    ],
)
def test_a_duplicate_is_a_conflict(api, users, path, make, body):
    make()
    response = api("admin").post(f"/api/v1/{path}", body)
    assert response.status_code == 409, response.content
    assert response.json()["errors"]


def test_renaming_onto_another_slug_is_a_conflict(api, users):
    SupplierFactory(slug="acme")
    other = SupplierFactory(slug="globex")
    response = api("admin").patch(f"/api/v1/suppliers/{other.slug}", {"slug": "acme"})
    assert response.status_code == 409


@pytest.mark.parametrize("target", ["to_service", "to_external"])
def test_the_same_dependency_twice_is_a_conflict(api, users, target):
    source = ServiceFactory(slug="flood", delivery_group=users.own)
    ServiceFactory(slug="defra-id")
    ExternalSystemFactory(slug="notify")
    value = "defra-id" if target == "to_service" else "notify"
    body = {"from_service": "flood", target: value}
    assert api("admin").post("/api/v1/dependencies", body).status_code == 201
    again = api("admin").post("/api/v1/dependencies", body | {"kind": "data_feed"})
    assert again.status_code == 409, again.content
    assert source.dependencies.count() == 1


def test_changing_a_dependency_into_an_existing_one_is_a_conflict(api, users):
    source = ServiceFactory(slug="flood")
    DependencyFactory(from_service=source, to_service=ServiceFactory(slug="defra-id"))
    other = DependencyFactory(from_service=source)
    response = api("admin").patch(f"/api/v1/dependencies/{other.pk}", {"to_service": "defra-id"})
    assert response.status_code == 409, response.content


# --- Deleting what is still in use ----------------------------------------------------


@pytest.mark.parametrize(
    "path, make",
    [
        ("suppliers", lambda: ComponentFactory(supplier=SupplierFactory(slug="acme")).supplier),
        ("suppliers", lambda: ContractFactory(supplier=SupplierFactory(slug="acme")).supplier),
        (
            "external-systems",
            lambda: (
                DependencyFactory(
                    to_service=None, to_external=ExternalSystemFactory(slug="notify")
                ).to_external
            ),
        ),
        ("delivery-groups", lambda: ServiceFactory(delivery_group__slug="marine").delivery_group),
        ("delivery-groups", lambda: TeamFactory(delivery_group__slug="marine").delivery_group),
    ],
    ids=[
        "supplier-components",
        "supplier-contracts",
        "external-dependents",
        "group-services",
        "group-teams",
    ],
)
def test_deleting_what_is_in_use_is_a_conflict(api, users, path, make):
    obj = make()
    response = api("admin").delete(f"/api/v1/{path}/{obj.slug}")
    assert response.status_code == 409, response.content
    assert "still used by" in response.json()["detail"]
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_deleting_a_person_clears_references_to_them(api, users):
    person = PersonFactory()
    service = ServiceFactory(service_owner=person)
    users.own.members.add(person)
    assert api("admin").delete(f"/api/v1/people/{person.pk}").status_code == 204
    service.refresh_from_db()
    assert service.service_owner is None


def test_an_unauthenticated_write_is_refused(api, users, case):
    response = api().post(f"/api/v1/{case.path}", case.payload(users))
    assert response.status_code == 401
