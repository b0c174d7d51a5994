"""A page about one object leads back through the object itself."""

import lxml.html
import pytest

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def breadcrumbs(response) -> list[tuple[str, str]]:
    tree = lxml.html.fromstring(response.content)
    return [
        (item.text_content().strip(), (item.xpath(".//a/@href") or [""])[0])
        for item in tree.xpath('//li[contains(@class, "govuk-breadcrumbs__list-item")]')
    ]


@pytest.mark.parametrize(
    ("suffix", "here"), [("edit", "Edit"), ("phase", "Change phase"), ("delete", "Delete")]
)
def test_the_pages_of_a_service_lead_back_through_it(page, users, suffix, here):
    ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    response = page("admin").get(f"/services/waste-tracking/{suffix}")
    assert response.status_code == 200
    assert breadcrumbs(response) == [
        ("Home", "/"),
        ("Services", "/services"),
        ("Waste tracking", "/services/waste-tracking"),
        (here, ""),
    ]


def test_adding_leads_back_to_the_list(page, users):
    response = page("admin").get("/services/add")
    assert breadcrumbs(response) == [("Home", "/"), ("Services", "/services")]
