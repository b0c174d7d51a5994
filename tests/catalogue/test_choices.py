"""Choices a person may pick: drop-downs offer only those, and a refusal keeps what was typed.

A person who edits the page's HTML can still post another group's option; the
server refuses it with the form shown again, not with the bare 403 page.
"""

from __future__ import annotations

import lxml.html
import pytest

from osr.catalogue import models
from osr.catalogue.forms import ServiceForm

from ..factories import ComponentFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db

NEW_SERVICE = {
    "name": "Peat restoration",
    "slug": "peat-restoration",
    "description": "Grants for restoring upland peat",
    "support_hours": "business_hours",
}


def options(response, name: str) -> dict[str, str]:
    """The options a drop-down offers, value to label, without the empty "Choose…"."""
    page = lxml.html.fromstring(response.content)
    return {
        option.get("value"): " ".join(option.text_content().split())
        for option in page.xpath(f"//select[@name='{name}']/option")
        if option.get("value")
    }


def error_summary(response) -> str:
    page = lxml.html.fromstring(response.content)
    summary = page.xpath("//*[contains(@class, 'govuk-error-summary')]")
    assert summary, "the page shows no error summary"
    return " ".join(summary[0].text_content().split())


def input_value(response, name: str) -> str | None:
    page = lxml.html.fromstring(response.content)
    for element in page.xpath(f"//input[@name='{name}'] | //textarea[@name='{name}']"):
        return element.text_content() if element.tag == "textarea" else element.get("value")
    return None


@pytest.fixture
def teams(users):
    return (
        TeamFactory(name="Waste team", slug="waste-team", delivery_group=users.own),
        TeamFactory(name="Rivers team", slug="rivers-team", delivery_group=users.other),
    )


# --- What the drop-downs offer ------------------------------------------------------


def test_add_a_service_offers_a_delivery_member_only_their_groups(page, users):
    response = page("delivery").get("/services/add")
    assert response.status_code == 200
    assert options(response, "delivery_group") == {"farming": "Farming and countryside"}


def test_add_a_service_offers_an_administrator_every_group(page, users):
    response = page("admin").get("/services/add")
    assert set(options(response, "delivery_group")) == {"farming", "environment"}


def test_a_member_of_two_groups_is_offered_both(page, users):
    users.other.members.add(users.delivery.person)
    response = page("delivery").get("/services/add")
    assert set(options(response, "delivery_group")) == {"farming", "environment"}


def test_teams_are_named_with_their_group_while_the_group_is_not_known(page, users, teams):
    response = page("delivery").get("/services/add")
    assert options(response, "delivery_team") == {
        "waste-team": "Waste team (Farming and countryside)"
    }


def test_teams_of_the_group_asked_for_are_offered_on_add(page, users, teams):
    TeamFactory(name="Soil team", slug="soil-team", delivery_group=users.own)
    response = page("delivery").get("/services/add?delivery_group=farming")
    assert options(response, "delivery_team") == {
        "soil-team": "Soil team",
        "waste-team": "Waste team",
    }
    group = lxml.html.fromstring(response.content).xpath(
        "//select[@name='delivery_group']/option[@selected]"
    )
    assert [option.get("value") for option in group] == ["farming"]


def test_editing_a_service_offers_its_own_groups_teams(page, users, teams):
    ServiceFactory(slug="flood", delivery_group=users.own, delivery_team=teams[0])
    response = page("admin").get("/services/flood/edit")
    assert options(response, "delivery_team") == {"waste-team": "Waste team"}
    assert set(options(response, "delivery_group")) == {"farming", "environment"}


def test_an_edited_services_current_group_stays_offered(users):
    # Whatever the person may add to, an unchanged save must find its group listed.
    service = ServiceFactory(slug="theirs", delivery_group=users.other)
    form = ServiceForm(instance=service, user=users.delivery)
    offered = {group.slug for group in form.fields["delivery_group"].queryset}
    assert offered == {"farming", "environment"}


def test_add_a_component_offers_only_services_the_person_may_edit(page, users):
    ServiceFactory(slug="ours", delivery_group=users.own)
    ServiceFactory(slug="theirs", delivery_group=users.other)
    response = page("delivery").get("/components/add")
    assert set(options(response, "service")) == {"ours"}


def test_add_a_dependency_offers_only_own_services_on_the_from_side(page, users):
    ServiceFactory(slug="ours", delivery_group=users.own)
    ServiceFactory(slug="theirs", delivery_group=users.other)
    response = page("delivery").get("/dependencies/add")
    assert set(options(response, "from_service")) == {"ours"}
    # A service may depend on any other, whoever runs it.
    assert set(options(response, "to_service")) == {"ours", "theirs"}


def test_add_a_team_offers_a_manager_only_the_groups_they_manage(page, users):
    response = page("osr_manager").get("/teams/add")
    assert set(options(response, "delivery_group")) == {"farming"}


# --- Refused choices keep what was typed ---------------------------------------------


def test_adding_a_service_to_another_group_keeps_what_was_typed(page, users):
    # The option is not offered; a person editing the page's HTML can still post it.
    response = page("delivery").post(
        "/services/add", NEW_SERVICE | {"delivery_group": "environment"}
    )
    assert response.status_code == 403
    assert "You may not add a service to Environment" in error_summary(response)
    assert input_value(response, "name") == "Peat restoration"
    assert input_value(response, "slug") == "peat-restoration"
    assert input_value(response, "description") == "Grants for restoring upland peat"
    assert not models.Service.objects.filter(slug="peat-restoration").exists()


def test_moving_a_service_to_another_group_keeps_what_was_typed(page, users):
    ServiceFactory(slug="flood", name="Flood", delivery_group=users.own)
    form = NEW_SERVICE | {
        "name": "Flood warnings",
        "slug": "flood",
        "delivery_group": "environment",
    }
    response = page("delivery").post("/services/flood/edit", form)
    assert response.status_code == 403
    assert "You may not move this service to Environment" in error_summary(response)
    assert input_value(response, "name") == "Flood warnings"
    service = models.Service.objects.get(slug="flood")
    assert (service.name, service.delivery_group) == ("Flood", users.own)


def test_a_component_for_another_groups_service_keeps_what_was_typed(page, users):
    ServiceFactory(slug="theirs", name="Theirs", delivery_group=users.other)
    form = {"service": "theirs", "name": "Web front end", "kind": "api", "hosting": "cdp"}
    response = page("delivery").post("/components/add", form)
    assert response.status_code == 403
    assert "You may not add a component to Theirs" in error_summary(response)
    assert input_value(response, "name") == "Web front end"
    assert not models.Component.objects.filter(name="Web front end").exists()


def test_moving_a_component_to_another_groups_service_is_refused_on_the_page(page, users):
    component = ComponentFactory(service__delivery_group=users.own, name="Web")
    ServiceFactory(slug="theirs", name="Theirs", delivery_group=users.other)
    form = {"service": "theirs", "name": "Web", "kind": "api", "hosting": "cdp"}
    response = page("delivery").post(f"/components/{component.pk}/edit", form)
    assert response.status_code == 403
    assert "You may not move this component to Theirs" in error_summary(response)
    component.refresh_from_db()
    assert component.service.delivery_group == users.own


def test_a_team_of_another_group_is_refused_with_a_field_error(page, users, teams):
    form = NEW_SERVICE | {"delivery_group": "farming", "delivery_team": "rivers-team"}
    response = page("delivery").post("/services/add", form)
    assert response.status_code == 422
    assert "Select a team in the service’s delivery group" in error_summary(response)
    assert input_value(response, "name") == "Peat restoration"


def test_a_service_in_own_group_with_its_team_is_saved(page, users, teams):
    form = NEW_SERVICE | {"delivery_group": "farming", "delivery_team": "waste-team"}
    response = page("delivery").post("/services/add", form)
    assert response.status_code == 302
    assert models.Service.objects.get(slug="peat-restoration").delivery_team == teams[0]


def test_someone_who_may_add_nothing_still_gets_the_403_page(page, users):
    response = page("viewer").post("/services/add", NEW_SERVICE | {"delivery_group": "farming"})
    assert response.status_code == 403
    assert b'name="name"' not in response.content


# --- A dependency already recorded ---------------------------------------------------


def test_a_dependency_already_recorded_is_refused_on_the_page_saying_so(page, users):
    from ..browsing import forms_of
    from ..factories import DependencyFactory

    ours = ServiceFactory(slug="ours", name="Rural payments", delivery_group=users.own)
    ServiceFactory(slug="theirs", name="Defra ID", delivery_group=users.other)
    DependencyFactory(from_service=ours, to_service=models.Service.objects.get(slug="theirs"))
    browser = page("delivery")
    (form,) = [
        f
        for f in forms_of(browser.get("/dependencies/add").content.decode(), "/dependencies/add")
        if "from_service" in f.names
    ]
    data = form.as_post() | {"from_service": ["ours"], "to_service": ["theirs"]}
    response = browser.post(form.action, data)
    assert response.status_code == 422
    assert "Rural payments already depends on Defra ID" in error_summary(response)
    # The summary leads to the field that says so.
    assert 'href="#id_to_service"' in response.content.decode()
    assert ours.dependencies.count() == 1


def test_a_dependency_already_recorded_is_a_conflict_in_the_api_saying_so(api, users):
    ServiceFactory(slug="ours", name="Rural payments", delivery_group=users.own)
    ServiceFactory(slug="theirs", name="Defra ID", delivery_group=users.other)
    body = {"from_service": "ours", "to_service": "theirs"}
    client = api("delivery")
    assert client.post("/api/v1/dependencies", body).status_code == 201
    again = client.post("/api/v1/dependencies", body)
    assert again.status_code == 409
    assert again.json()["errors"] == {"to_service": ["Rural payments already depends on Defra ID"]}
