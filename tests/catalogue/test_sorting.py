"""Lists as people use them: search by slug, sort by a column, and keep both in the address."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from osr.catalogue.choices import PHASE_ORDER

from ..factories import (
    ComponentFactory,
    DeliveryGroupFactory,
    DependencyFactory,
    ExternalSystemFactory,
    ServiceFactory,
    SupplierFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.content
    return response.content.decode()


def header(body: str, heading: str) -> tuple[str, str]:
    """The ``aria-sort`` of a sortable column header and the address its link goes to."""
    match = re.search(
        r'<th[^>]*aria-sort="(\w+)"[^>]*><a[^>]*href="([^"]*)"[^>]*>' + re.escape(heading) + "<",
        body,
    )
    assert match, f"no sortable header {heading!r}"
    return match.group(1), html.unescape(match.group(2))


def params(address: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(address).query)


def names_in(body: str, names: list[str]) -> list[str]:
    """The given names in the order the page shows them."""
    return sorted(names, key=lambda name: body.index(f">{name}<"))


def test_search_by_slug_finds_the_service_on_the_page_and_in_the_api(page, api):
    ServiceFactory(name="Flood warnings", slug="fws-alerts")
    ServiceFactory(name="Waste tracking", slug="waste-tracking")

    body = text(page("viewer").get("/services", {"q": "fws-al"}))
    assert "Flood warnings" in body and "Waste tracking" not in body

    found = api("viewer").get("/api/v1/services", q="FWS-AL").json()
    assert [s["slug"] for s in found["results"]] == ["fws-alerts"]


@pytest.mark.parametrize(
    "path, make, slug",
    [
        ("delivery-groups", lambda: DeliveryGroupFactory(name="Farming", slug="rpa-farming"), None),
        ("teams", lambda: TeamFactory(name="Payments", slug="rpa-payments"), None),
        ("suppliers", lambda: SupplierFactory(name="Acme", slug="rpa-acme"), None),
        (
            "external-systems",
            lambda: ExternalSystemFactory(name="GOV.UK Pay", slug="rpa-pay"),
            None,
        ),
        (
            "components",
            lambda: ComponentFactory(service=ServiceFactory(slug="rpa-claims")),
            "rpa-claims",
        ),
        (
            "dependencies",
            lambda: DependencyFactory(from_service=ServiceFactory(slug="rpa-grants")),
            "rpa-grants",
        ),
    ],
)
def test_every_list_with_slugs_searches_them(api, path, make, slug):
    made = make()
    results = api("viewer").get(f"/api/v1/{path}", q="rpa-").json()["results"]
    assert [r["id"] for r in results] == [made.pk]


def test_sorting_by_phase_follows_the_phase_order_not_the_alphabet(page, api):
    group = DeliveryGroupFactory(slug="sorting")
    for phase in ("retired", "alpha", "live", "discovery", "public_beta", "private_beta"):
        ServiceFactory(name=f"In {phase}", phase=phase, delivery_group=group)
    names = [f"In {phase}" for phase in PHASE_ORDER]

    body = text(page("viewer").get("/services", {"delivery_group": "sorting", "sort": "phase"}))
    assert names_in(body, names) == names
    body = text(page("viewer").get("/services", {"delivery_group": "sorting", "sort": "-phase"}))
    assert names_in(body, names) == names[::-1]

    answer = api("viewer").get("/api/v1/services", delivery_group="sorting", sort="phase").json()
    assert [s["phase"] for s in answer["results"]] == PHASE_ORDER


def test_sorting_by_updated_and_by_delivery_group(api):
    first = ServiceFactory(delivery_group=DeliveryGroupFactory(name="B group"))
    second = ServiceFactory(delivery_group=DeliveryGroupFactory(name="A group"))
    first.save()  # now the most recently changed

    def slugs(sort):
        return [
            s["slug"] for s in api("viewer").get("/api/v1/services", sort=sort).json()["results"]
        ]

    assert slugs("-updated") == [first.slug, second.slug]
    assert slugs("delivery_group") == [second.slug, first.slug]


def test_an_unknown_sort_is_refused_by_the_api(api):
    assert api("viewer").get("/api/v1/services", sort="secret").status_code == 422


def test_headers_say_how_the_list_is_sorted_and_link_to_the_other_order(page):
    ServiceFactory()
    body = text(page("viewer").get("/services"))
    # With no sort asked for, services are listed by name.
    assert header(body, "Service") == ("ascending", "?sort=-name")
    assert header(body, "Phase") == ("none", "?sort=phase")

    body = text(page("viewer").get("/services", {"sort": "-phase"}))
    assert header(body, "Phase") == ("descending", "?sort=phase")
    assert header(body, "Service")[0] == "none"


def test_header_links_keep_the_filters_and_go_back_to_the_first_page(page):
    ServiceFactory(phase="live", critical=True, critical_reason="Protects life")
    query = {"phase": ["live", "alpha"], "critical": "true", "q": "Service", "page": "1"}
    body = text(page("viewer").get("/services", query))
    _state, address = header(body, "Updated")
    assert params(address) == {
        "phase": ["live", "alpha"],
        "critical": ["true"],
        "q": ["Service"],
        "sort": ["updated"],
    }


def test_pagination_keeps_the_sort_and_filters_and_the_filter_form_keeps_the_sort(page):
    group = DeliveryGroupFactory(slug="many")
    ServiceFactory.create_batch(30, delivery_group=group)
    body = text(page("viewer").get("/services", {"delivery_group": "many", "sort": "-updated"}))
    pages = {
        html.unescape(href)
        for href in re.findall(r'class="govuk-link govuk-pagination__link" href="([^"]+)"', body)
    }
    assert pages
    for address in pages:
        assert params(address)["sort"] == ["-updated"]
        assert params(address)["delivery_group"] == ["many"]
    assert '<input type="hidden" name="sort" value="-updated">' in body


def test_generic_lists_sort_by_their_first_column_and_by_updated(page):
    SupplierFactory(name="Zebra")
    SupplierFactory(name="Aardvark")
    body = text(page("viewer").get("/suppliers", {"sort": "-name"}))
    assert names_in(body, ["Aardvark", "Zebra"]) == ["Zebra", "Aardvark"]
    assert header(body, "Supplier") == ("descending", "?sort=name")
    assert header(body, "Updated") == ("none", "?sort=updated")
