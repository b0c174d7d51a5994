"""The graph API: shapes, errors, and a fixed number of queries whatever the estate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import DependencyFactory, ExternalSystemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(users):
    db = ServiceFactory(slug="db", name="Database", phase="live", delivery_group=users.own)
    api = ServiceFactory(slug="api", name="Api", phase="live", delivery_group=users.own)
    portal = ServiceFactory(slug="portal", name="Portal", phase="alpha", delivery_group=users.other)
    notify = ExternalSystemFactory(slug="notify", name="GOV.UK Notify")
    DependencyFactory(from_service=portal, to_service=api)
    DependencyFactory(from_service=api, to_service=db)
    DependencyFactory(from_service=api, to_service=None, to_external=notify)
    return {"db": db, "api": api, "portal": portal}


def test_upstream_dependencies_with_depth(api, chain):
    body = api("viewer").get("/api/v1/services/portal/dependencies", direction="upstream").json()
    assert body["service"] == "portal" and body["direction"] == "upstream"
    assert [(r["id"], r["depth"], r["via"]) for r in body["results"]] == [
        ("service:api", 1, None),
        ("service:db", 2, "service:api"),
        ("external:notify", 2, "service:api"),
    ]


def test_downstream_dependencies_limited_by_depth(api, chain):
    body = (
        api("viewer")
        .get("/api/v1/services/db/dependencies", direction="downstream", depth=1)
        .json()
    )
    assert [r["slug"] for r in body["results"]] == ["api"]
    assert body["depth"] == 1


def test_bad_direction_or_depth_is_refused_with_field_errors(api, chain):
    response = api("viewer").get("/api/v1/services/db/dependencies", direction="sideways")
    assert response.status_code == 422
    assert "direction" in response.json()["errors"]
    response = api("viewer").get("/api/v1/services/db/dependencies", depth=0)
    assert response.status_code == 422


def test_impact_shape(api, chain):
    body = api("delivery").get("/api/v1/services/db/impact").json()
    assert body["service"] == "db"
    assert [(a["slug"], a["depth"], a["via"]) for a in body["affected"]] == [
        ("api", 1, None),
        ("portal", 2, "Api"),
    ]
    assert set(body["affected"][0]) >= {
        "phase",
        "critical",
        "delivery_group",
        "delivery_team",
        "support_contact_email",
    }


def test_incident_contacts_shape(api, chain):
    body = api("live_services_manager").get("/api/v1/services/api/incident-contacts").json()
    assert body["live"] is True
    assert [s["slug"] for s in body["services"]] == ["portal"]
    entry = body["services"][0]
    assert entry["reasons"] == ["depends on it"]
    assert entry["delivery_group"] == "Environment"
    assert set(entry) >= {"osr_manager", "live_services_manager", "delivery_team", "changes"}


def test_graph_has_every_node_and_edge(api, chain):
    body = api("viewer").get("/api/v1/graph").json()
    assert (body["count"], body["next"], body["previous"]) == (4, None, None)
    assert {n["id"] for n in body["results"]} == {
        "service:db",
        "service:api",
        "service:portal",
        "external:notify",
    }
    assert {(e["source"], e["target"]) for n in body["results"] for e in n["edges"]} == {
        ("service:portal", "service:api"),
        ("service:api", "service:db"),
        ("service:api", "external:notify"),
    }
    portal = next(n for n in body["results"] if n["slug"] == "portal")
    assert portal["delivery_group"] == "environment" and portal["phase"] == "alpha"
    assert [e["target"] for e in portal["edges"]] == ["service:api"]


def test_graph_pages_carry_each_node_with_the_edges_from_it(api, chain):
    client = api("viewer")
    first = client.get("/api/v1/graph", page_size=3).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=3" in first["next"]
    second = client.get("/api/v1/graph", page=2, page_size=3).json()
    assert len(second["results"]) == 1 and second["next"] is None
    nodes = first["results"] + second["results"]
    assert len({n["id"] for n in nodes}) == 4
    assert sum(len(n["edges"]) for n in nodes) == 3
    assert all(e["source"] == n["id"] for n in nodes for e in n["edges"])
    assert client.get("/api/v1/graph", page_size=201).status_code == 422


def test_graph_of_a_neighbourhood_or_a_group(api, chain):
    body = api("viewer").get("/api/v1/graph", service="db", depth=1).json()
    assert {n["slug"] for n in body["results"]} == {"db", "api"}
    body = api("viewer").get("/api/v1/graph", group="farming").json()
    assert {n["slug"] for n in body["results"]} == {"db", "api", "notify"}
    assert api("viewer").get("/api/v1/graph", group="nowhere").status_code == 422


def test_findings_and_cycles(api, chain):
    DependencyFactory(from_service=chain["db"], to_service=chain["portal"])
    body = api("viewer").get("/api/v1/graph/findings").json()
    assert [(f["rule"], f["service"], f["depends_on"]) for f in body["results"]] == [
        ("live-on-development", "db", "service:portal")
    ]
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    body = api("viewer").get("/api/v1/graph/cycles").json()
    assert body["results"] == [{"services": ["api", "db", "portal", "api"]}]
    assert body["count"] == 1


def test_findings_come_a_page_at_a_time(api, users, chain):
    for n in range(3):
        live = ServiceFactory(slug=f"live-{n}", phase="live", delivery_group=users.own)
        DependencyFactory(from_service=live, to_service=chain["portal"])
    client = api("viewer")
    first = client.get("/api/v1/graph/findings", page_size=2).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and "page=2" in first["next"]
    second = client.get("/api/v1/graph/findings", page=2, page_size=2).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert "page=1" in second["previous"]
    services = {f["service"] for f in first["results"] + second["results"]}
    assert services == {"live-0", "live-1", "live-2"}


def test_paths_between_two_services(api, chain):
    body = api("viewer").get("/api/v1/graph/paths", source="portal", target="db").json()
    assert body["paths"] == [["portal", "api", "db"]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/services/nowhere/dependencies",
        "/api/v1/services/nowhere/impact",
        "/api/v1/services/nowhere/incident-contacts",
    ],
)
def test_unknown_service_is_404(api, chain, path):
    response = api("viewer").get(path)
    assert response.status_code == 404
    assert "nowhere" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/services/db/dependencies",
        "/api/v1/services/db/impact",
        "/api/v1/services/db/incident-contacts",
        "/api/v1/graph",
        "/api/v1/graph/findings",
        "/api/v1/graph/cycles",
    ],
)
def test_without_a_token_is_401(api, chain, path):
    assert api().get(path).status_code == 401


def grow(users, count: int) -> None:
    """Add ``count`` services in a chain hanging off db, some live, some in development."""
    previous = None
    from osr.catalogue.models import Service

    db = Service.objects.get(slug="db")
    for n in range(count):
        service = ServiceFactory(
            phase="live" if n % 2 else "alpha", delivery_group=users.own if n % 3 else users.other
        )
        DependencyFactory(from_service=service, to_service=previous or db)
        previous = service


ENDPOINTS = [
    "/api/v1/services/db/dependencies?direction=downstream",
    "/api/v1/services/db/impact",
    "/api/v1/services/db/incident-contacts",
    "/api/v1/graph",
    "/api/v1/graph?service=db&depth=3",
    "/api/v1/graph/findings",
    "/api/v1/graph/cycles",
]


def counted(client, path) -> int:
    client.client.get(path, headers=client.headers)  # the first call builds the index
    with CaptureQueriesContext(connection) as queries:
        response = client.client.get(path, headers=client.headers)
    assert response.status_code == 200, response.content
    return len(queries)


def test_endpoints_use_the_same_queries_for_small_and_larger_estates(api, users, chain):
    client = api("viewer")
    grow(users, 3)
    small = {path: counted(client, path) for path in ENDPOINTS}
    grow(users, 25)
    larger = {path: counted(client, path) for path in ENDPOINTS}
    assert small == larger
