"""A service is shown as short sections under one heading, reached from its sub-navigation."""

import re

import pytest
from django.utils import timezone

from osr.catalogue.models import Person, PhaseChange
from osr.catalogue.panels import service_sections

from ..factories import ComponentFactory, DependencyFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SECTIONS = {
    "": "Overview",
    "readiness": "Readiness",
    "dependencies": "Dependencies",
    "operations": "Operations guide",
    "review-board": "Review board",
    "myit": "MyIT and changes",
    "history": "History",
}


@pytest.fixture
def flood(users):
    service = ServiceFactory(
        name="Flood warnings", slug="flood", delivery_group=users.own, phase="private_beta"
    )
    ComponentFactory(service=service, name="Warnings database")
    DependencyFactory(from_service=service, to_service=ServiceFactory(name="Gov Notify link"))
    return service


def sub_navigation(body: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav class="osr-sub-navigation".*?</nav>', body, re.S).group(0)
    return [
        (href, title.strip(), bool(current))
        for href, current, title in re.findall(
            r'<a class="osr-sub-navigation__link" href="([^"]+)"'
            r'( aria-current="page")?>([^<]+)</a>',
            nav,
        )
    ]


def test_every_section_is_in_the_sub_navigation_in_order(page, flood):
    body = page("viewer").get("/services/flood").content.decode()
    links = sub_navigation(body)
    assert [title for _, title, _ in links] == list(SECTIONS.values())
    assert [href for href, _, _ in links] == [
        f"/services/flood/{key}" if key else "/services/flood" for key in SECTIONS
    ]
    assert [s.key for s in service_sections()] == list(SECTIONS)


@pytest.mark.parametrize("key", list(SECTIONS))
def test_each_section_keeps_the_heading_and_marks_itself(page, flood, key):
    address = f"/services/flood/{key}" if key else "/services/flood"
    response = page("viewer").get(address)
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<h1 class="govuk-heading-l">\s*Flood warnings\s*</h1>', body)
    current = [title for _, title, is_current in sub_navigation(body) if is_current]
    assert current == [SECTIONS[key]]
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert title.startswith(f"{SECTIONS[key]} – Flood warnings" if key else "Flood warnings")


def test_each_section_shows_its_own_part_only(page, flood):
    client = page("viewer")

    def body(key: str = "") -> str:
        return client.get(f"/services/flood/{key}" if key else "/services/flood").content.decode()

    overview = body()
    assert "About the service" in overview and "Warnings database" in overview
    assert "% of the requirements that apply to Flood warnings are satisfied" in overview
    assert "govuk-task-list" not in overview  # the task list has its own section
    assert "Phase history" not in overview and "Gov Notify link" not in overview

    readiness = body("readiness")
    assert "govuk-task-list" in readiness and "About the service" not in readiness

    dependencies = body("dependencies")
    assert "Gov Notify link" in dependencies and "See Flood warnings on the dependency map" in (
        dependencies
    )
    assert "Service operations guide" in body("operations")
    assert "Live service rehearsals" in body("operations")
    assert "LV-5" in body("review-board")
    myit = body("myit")
    assert "MyIT" in myit and "Changes raised from developer tooling" in myit
    assert "Phase history" in body("history")


def test_unknown_section_is_not_found_and_other_pages_still_resolve(page, flood):
    client = page("delivery")
    assert client.get("/services/flood/nonsense").status_code == 404
    assert client.get("/services/flood/edit").status_code == 200
    assert client.get("/services/flood/impact").status_code == 200
    assert client.get("/services/flood/operations-guide").status_code == 200


def test_phase_history_names_people_by_their_full_name(page, flood, users):
    Person.objects.update_or_create(user=users.delivery, defaults={"name": "Dana Delivery"})
    PhaseChange.objects.create(
        service=flood,
        from_phase="alpha",
        to_phase="private_beta",
        changed_by=users.delivery,
        changed_at=timezone.now(),
        reason="Private beta starts",
    )
    body = page("viewer").get("/services/flood/history").content.decode()
    assert "Dana Delivery" in body
    assert ">delivery<" not in body


def test_blockers_on_the_overview_lead_to_the_requirement(page, flood):
    body = page("viewer").get("/services/flood").content.decode()
    assert 'href="/services/flood/readiness/' in body
    assert "See every requirement and its evidence" in body
