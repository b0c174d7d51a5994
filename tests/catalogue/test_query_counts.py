"""Every list, in the API and on the pages, loads in the same number of queries at any size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.core.audit import acting_as

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
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _people(n: int) -> list:
    return PersonFactory.create_batch(n)


def make_services(users, n: int) -> None:
    for i in range(n):
        group = DeliveryGroupFactory()
        ServiceFactory(
            delivery_group=group,
            delivery_team=TeamFactory(delivery_group=group),
            service_owner=PersonFactory(),
            product_manager=PersonFactory(),
            data_owner=PersonFactory(),
            phase=["alpha", "live"][i % 2],
            critical=bool(i % 2),
            critical_reason="Protects life" if i % 2 else "",
            dashboard_urls=["https://grafana.example/d/1"],
        )


def make_components(users, n: int) -> None:
    for _ in range(n):
        ComponentFactory(supplier=SupplierFactory(), service__delivery_group=DeliveryGroupFactory())


def make_suppliers(users, n: int) -> None:
    for _ in range(n):
        supplier = SupplierFactory()
        ComponentFactory(supplier=supplier)
        ContractFactory(supplier=supplier)


def make_contracts(users, n: int) -> None:
    for _ in range(n):
        contract = ContractFactory()
        contract.components.set(ComponentFactory.create_batch(3))


def make_external_systems(users, n: int) -> None:
    for _ in range(n):
        DependencyFactory(to_service=None, to_external=ExternalSystemFactory())


def make_dependencies(users, n: int) -> None:
    for i in range(n):
        if i % 2:
            DependencyFactory(to_service=None, to_external=ExternalSystemFactory())
        else:
            DependencyFactory()


def make_groups(users, n: int) -> None:
    for _ in range(n):
        group = DeliveryGroupFactory(
            osr_manager=PersonFactory(), live_services_manager=PersonFactory()
        )
        group.members.set(_people(3))


def make_teams(users, n: int) -> None:
    for _ in range(n):
        team = TeamFactory(delivery_group=DeliveryGroupFactory())
        team.members.set(_people(3))


def make_people(users, n: int) -> None:
    for i in range(n):
        PersonFactory(user=UserFactory() if i % 2 else None, role_title="Product manager")


def make_audit_entries(users, n: int) -> None:
    with acting_as(users.admin):
        for _ in range(n):
            service = ServiceFactory(delivery_group=users.own)
            service.name = f"{service.name} renamed"
            service.critical = True
            service.save()
            team = TeamFactory(delivery_group=users.own)
            team.members.add(*_people(2))


BUILDERS = {
    "services": make_services,
    "components": make_components,
    "suppliers": make_suppliers,
    "contracts": make_contracts,
    "external-systems": make_external_systems,
    "dependencies": make_dependencies,
    "delivery-groups": make_groups,
    "teams": make_teams,
    "people": make_people,
}

# The queries each list runs, whatever its length.
API_QUERIES = {
    # the token with its user, the page's keys with the count, its rows (SQL written once)
    "services": 3,
    "components": 3,
    "suppliers": 3,
    "contracts": 4,  # + the components each covers
    "external-systems": 3,
    "dependencies": 3,
    "delivery-groups": 4,  # + members
    "teams": 4,  # + members
    "people": 3,
}

# Session, user, count and page, plus what the permission checks and filter forms read.
PAGE_QUERIES = {
    "services": 8,
    "components": 7,
    "suppliers": 7,
    "contracts": 8,
    "external-systems": 7,
    "dependencies": 7,
    "delivery-groups": 8,
    "teams": 8,
    "people": 7,
    # + the people who made changes (the filter), and each kind of object the page names
    "audit": 9,
}


def queries_for(fetch) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), captured


def _statements(captured) -> str:
    return "\n".join(q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("path", list(BUILDERS))
def test_list_endpoint_runs_a_fixed_number_of_queries(api, users, path):
    client = api("viewer")
    fetch = lambda: client.get(f"/api/v1/{path}", page_size=50)  # noqa: E731
    BUILDERS[path](users, 3)
    few, _ = queries_for(fetch)
    BUILDERS[path](users, 27)
    many, captured = queries_for(fetch)
    assert len(client.get(f"/api/v1/{path}", page_size=50).json()["results"]) >= 30
    assert many == few, _statements(captured)
    assert many == API_QUERIES[path], _statements(captured)


@pytest.mark.parametrize("path", [*BUILDERS, "audit"])
def test_list_page_runs_a_fixed_number_of_queries(page, users, path):
    client = page("viewer")
    url = f"/{path}"
    if path == "audit":
        # The trail reads one query per kind of object it names: the entries the
        # fixtures wrote name other kinds, so only the ones built here are compared.
        url += f"?person={users.admin.pk}"
    build = make_audit_entries if path == "audit" else BUILDERS[path]
    build(users, 3)
    # A first page may save the session (sign-in bookkeeping) and fill the content-type
    # cache: neither is the list's cost.
    client.get(url)
    few, _ = queries_for(lambda: client.get(url))
    build(users, 27)
    many, captured = queries_for(lambda: client.get(url))
    assert many == few, _statements(captured)
    assert many == PAGE_QUERIES[path], _statements(captured)


def test_filtered_and_searched_lists_stay_fixed(api, page, users):
    make_services(users, 3)
    client, browser = api("viewer"), page("viewer")
    params = {"phase": "alpha", "critical": "false", "q": "Service"}
    browser.get("/services")  # the session's first save is not the list's cost
    few_api, _ = queries_for(lambda: client.get("/api/v1/services", **params))
    few_page, _ = queries_for(lambda: browser.get("/services", params))
    make_services(users, 27)
    many_api, _ = queries_for(lambda: client.get("/api/v1/services", **params))
    many_page, _ = queries_for(lambda: browser.get("/services", params))
    assert (many_api, many_page) == (few_api, few_page)


@pytest.mark.parametrize("sort", ["-phase", "delivery_group", "-updated"])
def test_sorted_lists_stay_fixed(api, page, users, sort):
    make_services(users, 3)
    client, browser = api("viewer"), page("viewer")
    params = {"phase": ["alpha", "live"], "q": "Service", "sort": sort}
    # A first page may save the session (sign-in bookkeeping): not the list's cost.
    browser.get("/services")
    few_api, _ = queries_for(lambda: client.get("/api/v1/services", **params))
    few_page, _ = queries_for(lambda: browser.get("/services", params))
    make_services(users, 27)
    many_api, _ = queries_for(lambda: client.get("/api/v1/services", **params))
    many_page, captured = queries_for(lambda: browser.get("/services", params))
    assert (many_api, many_page) == (few_api, few_page), _statements(captured)
    # Sorting costs no query: the same as the unsorted list. A search counts its
    # matches with the page's keys too, in one query (a window over the matches).
    assert (many_api, many_page) == (API_QUERIES["services"], PAGE_QUERIES["services"])


def test_second_page_costs_the_same_as_the_first(api, users):
    make_contracts(users, 30)
    client = api("viewer")
    first, _ = queries_for(lambda: client.get("/api/v1/contracts", page_size=10))
    second, _ = queries_for(lambda: client.get("/api/v1/contracts", page=2, page_size=10))
    assert first == second


def test_services_are_answered_with_their_people_without_reading_the_people(api, users):
    owner, manager = PersonFactory(), PersonFactory()
    group = DeliveryGroupFactory(slug="farming")
    ServiceFactory(
        slug="grants",
        delivery_group=group,
        delivery_team=TeamFactory(slug="grants-team", delivery_group=group),
        service_owner=owner,
        product_manager=manager,
    )
    client = api("viewer")
    for path, rows in (
        ("/api/v1/services/grants", lambda body: [body]),
        ("/api/v1/services?q=grants", lambda body: body["results"]),
    ):
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(path)
        (row,) = rows(answer.json())
        assert (row["service_owner"], row["product_manager"], row["data_owner"]) == (
            owner.pk,
            manager.pk,
            None,
        )
        assert (row["delivery_group"], row["delivery_team"]) == ("farming", "grants-team")
        assert not [q for q in queries if "catalogue_person" in q["sql"]], path
