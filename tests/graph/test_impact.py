"""Impact: a summary that fits a screen, and the affected services a page at a time,
what matters most first, through the API, the page, the command and the export."""

import csv
import io
import json
from io import StringIO

import lxml.html
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Dependency, Service
from osr.graph.impact import Ranked, affected, summarise
from osr.graph.models import GraphVersion

from ..factories import DependencyFactory, ServiceFactory
from .estate import index_of

# A hand-built estate around db: who needs whom, and what each is.
ESTATE = {
    "admin": ("live", False, False),
    "api": ("live", True, False),
    "batch": ("discovery", True, False),
    "db": ("live", True, False),
    "loner": ("live", True, False),
    "mirror": ("live", True, False),
    "payments": ("live", True, False),
    "portal": ("alpha", False, False),
    "reports": ("public_beta", False, False),
    "store": ("live", False, False),
}
EDGES = [
    ("api", "db"),
    ("portal", "api"),
    ("payments", "portal"),
    ("reports", "db", "data_feed", True),
    ("admin", "api"),
    ("batch", "reports", "data_feed", True),
    ("mirror", "api"),
    ("db", "store", "data_feed", True),  # what db needs is not affected by it
    ("loner", "store"),
]


@pytest.fixture
def hand_built():
    index = index_of(ESTATE, EDGES)
    return index, affected(index, index.node_for("db"))


def test_summary_counts_the_affected_by_phase_and_priority(hand_built):
    summary = summarise(*hand_built)
    assert summary.total == 7
    assert {phase: n for phase, n in summary.by_phase.items() if n} == {
        "live": 4,
        "alpha": 1,
        "public_beta": 1,
        "discovery": 1,
    }
    assert (summary.live, summary.critical, summary.live_and_critical) == (4, 4, 3)


def test_summary_counts_live_data_flows_among_the_affected_only(hand_built):
    summary = summarise(*hand_built)
    assert summary.live_data_flows == 2
    assert [(f.source.slug, f.target.slug, f.kind) for f in summary.flows] == [
        ("reports", "db", "data_feed"),
        ("batch", "reports", "data_feed"),
    ]


def test_summary_gives_the_shortest_routes_to_the_nearest_critical_live_services(hand_built):
    routes = [[step.slug for step in route] for route in summarise(*hand_built).routes]
    assert routes == [
        ["db", "api"],
        ["db", "api", "mirror"],
        ["db", "api", "portal", "payments"],
    ]


def test_live_and_critical_come_first_then_live_then_critical_then_by_depth(hand_built):
    index, found = hand_built
    ranked = Ranked(index, found)
    assert [index.slugs[n] for n in ranked[:]] == [
        "api",
        "mirror",
        "payments",
        "admin",
        "batch",
        "reports",
        "portal",
    ]
    assert [index.slugs[n] for n in ranked[2:5]] == ["payments", "admin", "batch"]
    assert index.slugs[ranked[-1]] == "portal" and len(ranked) == 7


def test_a_service_nothing_needs_has_an_empty_summary():
    index = index_of(ESTATE, EDGES)
    summary = summarise(index, affected(index, index.node_for("payments")))
    assert (summary.total, summary.live_data_flows, summary.routes) == (0, 0, [])


# --- Through the database: API, page, command and export ------------------------------


@pytest.fixture
def hub(users, db):
    """db, needed directly by a critical live api and through it by eight more services."""
    database = ServiceFactory(slug="db", name="Database", phase="live", delivery_group=users.own)
    api = ServiceFactory(
        slug="api", name="Api", phase="live", critical=True, delivery_group=users.own
    )
    DependencyFactory(from_service=api, to_service=database, carries_live_data=True)
    for n in range(8):
        other = ServiceFactory(
            slug=f"app-{n}",
            name=f"App {n}",
            phase="live" if n < 3 else "alpha",
            delivery_group=users.other,
        )
        DependencyFactory(from_service=other, to_service=api)
    return database


def slugs(rows) -> list[str]:
    return [row["slug"] for row in rows]


def test_api_answers_a_summary_and_a_page_with_links(api, hub):
    client = api("viewer")
    body = client.get("/api/v1/services/db/impact", page_size=4).json()
    assert body["count"] == 9 and body["previous"] is None
    assert body["summary"]["live_and_critical"] == 1
    assert body["summary"]["routes_to_critical_live"] == [["db", "api"]]
    assert body["summary"]["nearest_live_data_flows"] == [
        {"from": "api", "to": "db", "kind": "runtime_api"}
    ]
    assert slugs(body["results"]) == ["api", "app-0", "app-1", "app-2"]
    assert body["affected"] == body["results"]
    seen = slugs(body["results"])
    while body["next"]:
        body = client.client.get(body["next"], headers=client.headers).json()
        seen += slugs(body["results"])
    assert seen == ["api", *(f"app-{n}" for n in range(8))]
    assert "page=2" in body["previous"]


def test_api_page_size_is_limited_like_every_list(api, hub):
    client = api("viewer")
    assert client.get("/api/v1/services/db/impact", page_size=201).status_code == 422
    assert client.get("/api/v1/services/db/impact", page=0).status_code == 422
    past = client.get("/api/v1/services/db/impact", page=9, page_size=4).json()
    assert past["results"] == [] and past["next"] is None and past["count"] == 9


def test_export_streams_every_affected_service_as_inert_csv(api, hub):
    Service.objects.filter(slug="app-7").update(name="=App 7")
    GraphVersion.bump()
    client = api("viewer")
    response = client.get("/api/v1/services/db/impact/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["slug"] for r in rows] == ["api", "app-0", "app-1", "app-2", "app-7", "app-3",
                                         "app-4", "app-5", "app-6"]  # fmt: skip
    assert rows[4]["name"] == "'=App 7" and rows[1]["via"] == "Api"


def test_page_shows_the_summary_and_pages_through_the_list(page, hub):
    client = page("viewer")
    html = client.get("/services/db/impact").content.decode()
    assert "9 services depend on Database" in html
    assert "Nearest critical live services" in html and "Download all 9 as CSV" in html
    # Ten more make a second page; follow its link as a browser would.
    for n in range(100):
        DependencyFactory(from_service=ServiceFactory(slug=f"more-{n:03d}"), to_service=hub)
    first = lxml.html.fromstring(client.get("/services/db/impact").content)
    listed = first.xpath("//table//tbody//td[1]/a/text()")
    assert len(listed) == 100 and listed[0] == "Api"
    next_link = first.xpath("//a[@rel='next']/@href")[0]
    second = lxml.html.fromstring(client.get("/services/db/impact" + next_link).content)
    assert len(second.xpath("//table//tbody//td[1]/a/text()")) == 9
    assert "101 to 109 of 109" in second.text_content()
    assert client.get("/services/db/impact.csv").status_code == 200


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_prints_the_summary_and_one_page_or_everything(hub):
    text = run("impact", "db", "--page-size", "2")
    assert "9 services affected, 4 live, 1 critical, 1 both" in text
    assert "Nearest critical live services:\n- Database → Api" in text
    assert "Services 1 to 2 of 9" in text and "App 2" not in text
    everything = run("impact", "db", "--all")
    assert everything.count("- depth ") == 9
    body = json.loads(run("impact", "db", "--json", "--page", "2", "--page-size", "4"))
    assert slugs(body["results"]) == ["app-3", "app-4", "app-5", "app-6"]
    assert len(json.loads(run("impact", "db", "--json", "--all"))["results"]) == 9


def grow(hub: Service, count: int) -> None:
    """``count`` more services needing db, written in bulk as an import would."""
    made = Service.objects.bulk_create(
        Service(name=f"Bulk {n:05d}", slug=f"bulk-{n:05d}", delivery_group=hub.delivery_group)
        for n in range(count)
    )
    Dependency.objects.bulk_create(Dependency(from_service=s, to_service=hub) for s in made)
    GraphVersion.bump()


def queries(call) -> int:
    call()  # the first call builds the index
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_impact_costs_the_same_queries_for_ten_or_two_thousand_affected(api, page, hub):
    client, browser = api("viewer"), page("viewer")
    calls = {
        "api": lambda: client.get("/api/v1/services/db/impact", page_size=200),
        "page": lambda: browser.get("/services/db/impact"),
        "command": lambda: run("impact", "db"),
    }
    small = {name: queries(call) for name, call in calls.items()}
    grow(hub, 2000)
    large = {name: queries(call) for name, call in calls.items()}
    assert small == large
    assert client.get("/api/v1/services/db/impact").json()["count"] == 2009
