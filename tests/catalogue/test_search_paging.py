"""A searched list is counted by the query that finds its page, and answers as any list does.

Also: the API reads services with only what names their related objects, and answers
exactly what it answers from the services as the pages load them.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from osr.catalogue.filters import ServiceFilterSet
from osr.catalogue.models import Service
from osr.catalogue.resources import PEOPLE, SERVICES, _service_url
from osr.core.resources import output_of

from ..factories import PersonFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db

PATH = "/api/v1/services"


def make_estate(users, matching: int, other: int = 3) -> None:
    # Names out of order, so that the page's order is the list's and not the rows'.
    for n in range(matching):
        ServiceFactory(
            name=f"Flood warnings {(n * 7) % matching:02d}",
            phase=["alpha", "live", "retired"][n % 3],
            delivery_group=users.own,
        )
    for n in range(other):
        ServiceFactory(name=f"Waste tracking {n}", delivery_group=users.other)


def every_match(params: dict) -> list[str]:
    """The slugs the list holds, in its order, as the filter set finds them unpaged."""
    filters = ServiceFilterSet(data=QueryDict(urlencode(params)), queryset=SERVICES.queryset())
    assert filters.is_valid()
    return list(filters.qs.values_list("slug", flat=True))


def pages(client, params: dict, size: int) -> list[dict]:
    """Every page of the list, and the one past its end."""
    answers, number = [], 1
    while True:
        body = client.get(PATH, page=number, page_size=size, **params).json()
        answers.append(body)
        if not body["results"]:
            return answers
        number += 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": "flood"},
        {"q": "FLOOD WARNINGS 0"},
        {"q": "fl"},  # too short for the indexes
        {"q": "flood", "sort": "-phase"},
        {"q": "flood", "phase": "live"},
    ],
)
def test_searched_pages_answer_as_any_list(api, users, params):
    make_estate(users, 7)
    wanted = every_match(params)
    assert wanted, "the search finds something"
    answers = pages(api("viewer"), params, 3)
    assert [s["slug"] for body in answers for s in body["results"]] == wanted
    for number, body in enumerate(answers, start=1):
        assert body["count"] == len(wanted)
        assert (body["next"] is not None) == (number * 3 < len(wanted)), number
        if number == 1:
            assert body["previous"] is None
        else:
            assert f"page={number - 1}" in body["previous"]
        if body["next"]:
            assert f"page={number + 1}" in body["next"] and "page_size=3" in body["next"]


def test_a_search_finding_nothing_counts_none(api, users):
    make_estate(users, 2)
    client = api("viewer")
    body = client.get(PATH, q="nothing like it").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    body = client.get(PATH, q="nothing like it", page=3).json()
    assert (body["count"], body["results"], body["next"]) == (0, [], None)
    assert "page=2" in body["previous"]


def test_a_page_past_the_end_of_a_search_still_counts_it(api, users):
    make_estate(users, 4)
    body = api("viewer").get(PATH, q="flood", page=9, page_size=2).json()
    assert (body["count"], body["results"], body["next"]) == (4, [], None)
    assert "page=8" in body["previous"]


def searched(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PATH, page_size=5, **params)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("text", ["flood", "fl"])
def test_a_search_is_counted_by_the_query_that_finds_its_page(api, users, text):
    client = api("viewer")
    make_estate(users, 3)
    client.get(PATH)  # a token's first use is recorded once: not the search's cost
    _, few = searched(client, q=text)
    make_estate(users, 30)
    body, many = searched(client, q=text)
    assert body["count"] == 33 and len(body["results"]) == 5
    # The token with its user, the page's keys with the count, the page's rows.
    assert len(few) == len(many) == 3, "\n".join(many)
    assert not any("COUNT(*) AS" in sql for sql in many), "\n".join(many)
    assert sum("OVER ()" in sql for sql in many) == 1, "\n".join(many)


def test_an_unsearched_list_is_still_counted_on_its_own(api, users):
    # An index counts a whole list, or a phase of it, without reading every row.
    make_estate(users, 6)
    client = api("viewer")
    client.get(PATH)
    body, statements = searched(client, phase="live")
    assert body["count"] == 2
    # The token with its user, the page's keys with the count beside them (a subquery
    # of its own, not a window over the matches), the page's rows.
    assert len(statements) == 3 and not any("OVER ()" in sql for sql in statements)
    assert sum("SELECT COUNT(*) FROM (" in sql for sql in statements) == 1


def test_other_lists_searched_are_counted_with_their_page(api, users):
    for n in range(7):
        PersonFactory(name=f"Casey Jones {n}")
    client = api("viewer")
    client.get("/api/v1/people")
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/people", q="casey", page_size=3, page=2).json()
    statements = [q["sql"] for q in captured.captured_queries]
    assert body["count"] == 7
    assert [p["name"] for p in body["results"]] == [f"Casey Jones {n}" for n in (3, 4, 5)]
    assert sum("OVER ()" in sql for sql in statements) == 1, "\n".join(statements)
    assert PEOPLE.read_queryset is None  # the people as the pages load them


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own planner")
def test_postgresql_finds_a_searched_page_through_the_trigram_indexes(api, users):
    make_estate(users, 6)
    client = api("viewer")
    client.get(PATH)
    _, statements = searched(client, q="flood")
    (keys,) = [sql for sql in statements if "OVER ()" in sql]
    with connection.cursor() as cursor:
        # On a table this small, reading it all (or all of it in the list's order) is
        # cheapest: both are ruled out, to see that every searched column's index serves
        # the query that counts and pages (the count is not over an expression of them).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {keys}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("name", "slug", "description"):
        assert f"catalogue_service_{column}_trgm" in plan, plan
    assert "WindowAgg" in plan, plan


def as_json(value) -> object:
    return json.loads(json.dumps(value, default=str))


def test_the_api_answers_services_as_the_pages_load_them(api, users):
    team = TeamFactory(delivery_group=users.own)
    owner, manager = PersonFactory(), PersonFactory()
    ServiceFactory(
        delivery_group=users.own,
        delivery_team=team,
        service_owner=owner,
        product_manager=manager,
        data_owner=owner,
        repository_urls=["https://github.com/DEFRA/flood"],
    )
    ServiceFactory(delivery_group=users.other)  # no team, nobody named
    client = api("viewer")
    listed = client.get(PATH).json()["results"]
    wanted = [as_json(output_of(SERVICES, s)) for s in SERVICES.queryset()]
    assert listed == wanted
    for service in SERVICES.queryset():
        response = client.get(f"{PATH}/{service.slug}")
        assert response.json() == as_json(output_of(SERVICES, service))
        assert response.json()["url"] == service.get_absolute_url()


def test_reading_a_service_loads_it_in_one_query(api, users):
    ServiceFactory(
        slug="flood",
        delivery_group=users.own,
        delivery_team=TeamFactory(delivery_group=users.own),
        service_owner=PersonFactory(),
    )
    client = api("viewer")
    client.get(f"{PATH}/flood")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{PATH}/flood").status_code == 200
    assert len(captured.captured_queries) == 2  # the token with its user, the service
    assert client.get(f"{PATH}/nothing").status_code == 404


def test_a_service_address_is_its_page_under_any_prefix(users):
    service = ServiceFactory(slug="flood-warnings", delivery_group=users.own)
    assert _service_url(service) == reverse("catalogue:service", args=["flood-warnings"])
    try:
        set_script_prefix("/osr/")
        assert _service_url(service) == "/osr/services/flood-warnings"
        assert _service_url(service) == service.get_absolute_url()
    finally:
        set_script_prefix("/")
    assert _service_url(service) == "/services/flood-warnings"


def test_each_filter_set_has_filters_of_its_own_that_share_what_none_changes(users):
    first, second = ServiceFilterSet(data={}), ServiceFilterSet(data={})
    assert first.filters["sort"] is not second.filters["sort"]
    assert first.filters["sort"].expressions is second.filters["sort"].expressions
    # What a filter set sets on its filters is its own; the class's filters are untouched.
    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    assert not hasattr(ServiceFilterSet.base_filters["q"], "parent")
    ServiceFactory(name="B flood", phase="live", delivery_group=users.own)
    ServiceFactory(name="A", phase="alpha", delivery_group=users.own)
    ordered = ServiceFilterSet(data={"sort": "-phase"}, queryset=Service.objects.all()).qs
    assert [s.name for s in ordered] == ["B flood", "A"]
    # A filter by a method finds it on its own filter set, whichever was made last.
    searched = ServiceFilterSet(data={"q": "flood"}, queryset=Service.objects.all())
    ServiceFilterSet(data={"q": "nothing"}, queryset=Service.objects.all())
    assert [s.name for s in searched.qs] == ["B flood"]


@pytest.mark.parametrize("page", [3, 10**6, 2**62, 2**63, 10**30])
def test_a_page_past_the_end_is_empty_and_still_counts_the_list(api, users, page):
    make_estate(users, 6, other=0)
    body = api("viewer").get(PATH, phase="live", page=page, page_size=5).json()
    assert (body["count"], body["results"], body["next"]) == (2, [], None)
    assert body["previous"] is not None


def test_an_empty_list_is_counted_as_none(api, users):
    body = api("viewer").get(PATH, phase="retired").json()
    assert (body["count"], body["results"], body["previous"]) == (0, [], None)
