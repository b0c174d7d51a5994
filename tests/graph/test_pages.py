"""The graph's pages: what they show, the map's data, and fixed query counts."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import DependencyFactory, ExternalSystemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(users):
    db = ServiceFactory(slug="db", name="Database", phase="live", delivery_group=users.own)
    api = ServiceFactory(
        slug="api", name="Api", phase="live", delivery_group=users.own, critical=True
    )
    portal = ServiceFactory(
        slug="portal",
        name="Portal",
        phase="alpha",
        delivery_group=users.other,
        uses_live_data=False,
    )
    notify = ExternalSystemFactory(slug="notify", name="GOV.UK Notify")
    DependencyFactory(from_service=portal, to_service=api)
    DependencyFactory(from_service=api, to_service=db)
    DependencyFactory(from_service=api, to_service=None, to_external=notify)
    return {"db": db, "api": api, "portal": portal}


def embedded_graph(html: str) -> dict:
    found = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the map's data is embedded in the page"
    return json.loads(found.group(1))


def test_map_embeds_the_graph_and_lists_the_same_edges(page, chain):
    response = page("viewer").get("/dependency-map")
    html = response.content.decode()
    assert response.status_code == 200
    data = embedded_graph(html)
    assert {n["id"] for n in data["nodes"]} == {
        "service:db",
        "service:api",
        "service:portal",
        "external:notify",
    }
    assert len(data["edges"]) == 3
    assert html.count('<tr class="govuk-table__row">') == 3 + 1  # header and one row an edge
    assert "vendor/cytoscape.min.js" in html and "graph/map.js" in html
    assert "vendor/cytoscape-dagre.min.js" in html


def test_map_of_a_neighbourhood(page, chain):
    html = page("viewer").get("/dependency-map?service=db&depth=1").content.decode()
    assert {n["slug"] for n in embedded_graph(html)["nodes"]} == {"db", "api"}
    assert "Dependency map of Database" in html


def test_map_filtered_by_delivery_group(page, chain):
    html = page("viewer").get("/dependency-map?group=environment").content.decode()
    assert {n["slug"] for n in embedded_graph(html)["nodes"]} == {"portal"}


def test_map_escapes_names_in_the_embedded_data(page, users):
    ServiceFactory(name="</script><script>alert(1)</script>", delivery_group=users.own)
    html = page("viewer").get("/dependency-map").content.decode()
    assert "<script>alert(1)" not in html
    assert embedded_graph(html)["nodes"][0]["name"].startswith("</script>")


def test_map_focus_found_by_name_in_any_case(page, chain):
    response = page("viewer").get("/dependency-map", {"service": "  database ", "depth": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dependency map of Database" in html
    assert {n["slug"] for n in embedded_graph(html)["nodes"]} == {"db", "api"}
    assert 'data-focus="service:db"' in html
    assert 'value="Database"' in html  # the box shows the service's own name


def test_map_suggests_every_service_name(page, chain):
    html = page("viewer").get("/dependency-map").content.decode()
    names = re.search(r'<datalist id="service-names">(.*?)</datalist>', html, re.S)
    assert names, "the service box has a list of suggestions"
    options = re.findall(r'<option value="([^"]*)">', names.group(1))
    assert options == ["Api", "Database", "Portal"]  # services only, not external systems
    assert 'list="service-names"' in html


def test_map_of_an_unknown_name_shows_the_error_summary(page, chain):
    response = page("viewer").get("/dependency-map?service=Nowhere+at+all&depth=2")
    html = response.content.decode()
    assert response.status_code == 422
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert "No service is called ‘Nowhere at all’" in html
    assert 'href="#id_service"' in html and 'id="id_service"' in html
    assert 'value="Nowhere at all"' in html  # what was typed is kept
    assert "<title>Error: " in html
    assert len(embedded_graph(html)["nodes"]) == 4  # the whole map is still drawn


def test_map_of_a_service_by_slug_still_works(page, chain):
    response = page("viewer").get("/dependency-map?service=api&depth=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dependency map of Api" in html
    assert {n["slug"] for n in embedded_graph(html)["nodes"]} == {"api", "db", "portal", "notify"}


def test_map_needs_sign_in(client, chain):
    assert client.get("/dependency-map").status_code == 302


def test_impact_page_lists_affected_services(page, chain):
    html = page("viewer").get("/services/db/impact").content.decode()
    assert "If Database changes or fails" in html
    assert "Api" in html and "Portal" in html
    assert "2 services depend on Database" in html


def test_incident_contacts_page_has_copyable_text_and_print_styles(page, chain):
    html = page("live_services_manager").get("/services/api/incident-contacts").content.decode()
    assert "Incident contacts for Api" in html
    assert 'id="incident-text"' in html and "1. Portal (alpha)" in html
    assert "graph/graph.css" in html and "osr/copy.js" in html


def test_service_page_links_to_the_graph_pages(page, chain):
    html = page("viewer").get("/services/db/dependencies").content.decode()
    assert "/services/db/impact" in html and "/services/db/incident-contacts" in html
    assert "/dependency-map?service=db" in html


def test_early_warning_register_lists_development_touching_live(page, chain, users):
    ServiceFactory(
        slug="pilot", name="Pilot", phase="discovery", delivery_group=users.own, uses_live_data=True
    )
    ServiceFactory(slug="quiet", name="Quiet", phase="alpha", delivery_group=users.own)
    html = page("osr_manager").get("/early-warning").content.decode()
    assert "Portal" in html and "Pilot" in html and "Quiet" not in html
    html = page("osr_manager").get("/early-warning?group=environment").content.decode()
    assert "Portal" in html and "Pilot" not in html


def test_risks_page_lists_findings_and_cycles(page, chain):
    DependencyFactory(from_service=chain["db"], to_service=chain["portal"])
    html = page("viewer").get("/dependency-map/risks").content.decode()
    assert "Database depends on Portal, which is still in alpha" in html
    assert "Dependency cycles" in html and "No cycles." not in html


def test_exports_download(page, chain):
    response = page("viewer").get("/export/graph.dot")
    assert response["Content-Type"].startswith("text/vnd.graphviz")
    assert '"service:portal" -> "service:api"' in response.content.decode()
    response = page("viewer").get("/export/graph.json")
    assert len(json.loads(response.content)["nodes"]) == 4
    response = page("viewer").get("/export/catalogue.csv")
    assert response.content.decode().splitlines()[0].startswith("record,slug,name,delivery_group")


def grow(users, count: int) -> None:
    from osr.catalogue.models import Service

    previous = Service.objects.get(slug="db")
    for n in range(count):
        service = ServiceFactory(
            phase="live" if n % 2 else "alpha",
            uses_live_data=bool(n % 3),
            delivery_group=users.own if n % 3 else users.other,
        )
        DependencyFactory(from_service=service, to_service=previous)
        previous = service


PAGES = [
    "/dependency-map",
    "/dependency-map?service=db&depth=3",
    "/dependency-map?group=farming",
    "/dependency-map/risks",
    "/early-warning",
    "/services/db/impact",
    "/services/db/incident-contacts",
]


def counted(client, path) -> int:
    client.get(path)  # the first request builds the index
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_pages_use_the_same_queries_for_small_and_larger_estates(page, users, chain):
    client = page("viewer")
    grow(users, 3)
    small = {path: counted(client, path) for path in PAGES}
    grow(users, 25)
    larger = {path: counted(client, path) for path in PAGES}
    assert small == larger
