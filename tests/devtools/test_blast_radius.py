"""Every change carries its blast radius: recorded with it, sent to MyIT, routed by it."""

import pytest

from osr.devtools import services
from osr.devtools.choices import ChangeRoute
from osr.devtools.models import ChangeRequest

from ..factories import DeliveryGroupFactory, DependencyFactory, PersonFactory, ServiceFactory
from .conftest import delivery_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def payments(waste):
    """A critical live service fed live data by waste tracking, with people to call."""
    group = DeliveryGroupFactory(
        name="Payments",
        slug="payments",
        live_services_manager=PersonFactory(name="Lina Live", email="lina@defra.example"),
    )
    service = ServiceFactory(
        name="Farming payments",
        slug="farming-payments",
        phase="live",
        critical=True,
        delivery_group=group,
        support_contact_email="payments-support@defra.example",
        service_owner=PersonFactory(
            name="Owen Owner", email="owen@defra.example", phone="0300 123 4567"
        ),
    )
    DependencyFactory(from_service=service, to_service=waste, carries_live_data=True)
    return service


@pytest.fixture
def standard_model(waste, fake_myit, users):
    """Waste tracking's agreed change model: standard changes from an approved template."""
    template = fake_myit.seed("std_change_record_producer", name="Deploy waste", active="true")

    def agree(**extra):
        return services.save_change_model(
            waste,
            route=ChangeRoute.STANDARD,
            template_sys_id=template["sys_id"],
            by=users.delivery,
            **extra,
        )

    return agree


def test_deployment_feeding_a_critical_live_service_raises_a_normal_change_naming_it(
    hook, linked, waste, payments, standard_model, fake_myit, page
):
    standard_model()
    integration, secret = linked("github")

    response = hook.post(integration.hook_path, **delivery_for("github", secret))

    assert response.status_code == 202, response.content
    [raised] = fake_myit.records("change_request")
    assert raised["type"] == "normal"
    text = raised["description"]
    assert "Farming payments (critical, needs it directly, receives live data from it)" in text
    assert "payments-support@defra.example" in text
    assert "Owen Owner (owen@defra.example, 0300 123 4567)" in text
    assert "Lina Live (lina@defra.example)" in text
    assert "change advisory board" in text
    assert raised["risk"] == "2" and raised["impact"] == "1"  # High, High
    change = ChangeRequest.objects.get()
    assert change.route == ChangeRoute.NORMAL
    assert "1 critical live service (Farming payments)" in change.route_reason
    assert (change.affects_live, change.affects_critical_live, change.affects_live_data) == (
        1,
        1,
        1,
    )
    assert change.blast_radius["live_services"][0]["slug"] == "farming-payments"

    incident = page("viewer").get("/services/farming-payments/incident-contacts")

    assert incident.status_code == 200
    body = incident.content.decode()
    suspects = body.split('id="suspect-changes"')[1].split('id="contact-')[0]
    assert raised["number"] in suspects and "Waste tracking" in suspects
    assert "a direct dependency; feeds it live data" in suspects


def test_the_change_model_may_agree_standard_changes_despite_critical_live_services(
    hook, linked, waste, payments, standard_model, fake_myit
):
    standard_model(even_if_critical=True)
    integration, secret = linked("gitlab")

    hook.post(integration.hook_path, **delivery_for("gitlab", secret))

    [raised] = fake_myit.records("change_request")
    assert raised["type"] == "standard"
    assert "allows it even when a critical live service" in ChangeRequest.objects.get().route_reason


def test_standard_change_stays_standard_when_no_critical_live_service_is_affected(
    hook, linked, waste, standard_model, fake_myit
):
    reporting = ServiceFactory(name="Reporting", slug="reporting", phase="live")
    DependencyFactory(from_service=reporting, to_service=waste)
    standard_model()
    integration, secret = linked("github")

    hook.post(integration.hook_path, **delivery_for("github", secret))

    [raised] = fake_myit.records("change_request")
    assert raised["type"] == "standard"
    assert "1 live service affected (0 critical" in raised["description"]
    assert raised["risk"] == "3" and raised["impact"] == "2"  # Moderate, Medium


def test_a_change_nothing_live_needs_is_low_risk(hook, linked, fake_myit):
    integration, secret = linked("azure-devops")

    hook.post(integration.hook_path, **delivery_for("azure-devops", secret))

    [raised] = fake_myit.records("change_request")
    assert "Blast radius: no live service needs it" in raised["description"]
    assert raised["risk"] == "4" and raised["impact"] == "3"
    assert ChangeRequest.objects.get().route == ChangeRoute.NORMAL


def test_incident_command_lists_the_change_as_a_suspect(hook, linked, payments, fake_myit):
    from io import StringIO

    from django.core.management import call_command

    integration, secret = linked("github")
    hook.post(integration.hook_path, **delivery_for("github", secret))
    out = StringIO()

    call_command("incident", "farming-payments", stdout=out)

    text = out.getvalue()
    [raised] = fake_myit.records("change_request")
    assert "1 change in its blast radius in the last 14 days" in text
    assert f"{raised['number']}: " in text
    assert "Why: a direct dependency; feeds it live data" in text


def test_a_change_raised_through_the_api_carries_its_blast_radius_to_myit(
    api, waste, payments, fake_myit, after_commit
):
    with after_commit():
        response = api("delivery").post(
            "/api/v1/services/waste-tracking/changes",
            {"summary": "Hotfix to the waste carriers register", "environment": "production"},
        )

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["route"] == ChangeRoute.NORMAL
    assert answer["blast_radius"]["critical_live"] == 1
    [raised] = fake_myit.records("change_request")
    assert raised["type"] == "normal"
    assert "Farming payments (critical" in raised["description"]


def test_a_change_raised_by_hand_needs_a_summary_and_the_services_team(api, waste):
    path = "/api/v1/services/waste-tracking/changes"

    refused = api("delivery").post(path, {"summary": ""})
    outsider = api("outsider").post(path, {"summary": "Deploy"})

    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"summary"}
    assert outsider.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_raising_a_change_on_the_page_shows_errors_then_what_it_could_affect(
    page, waste, payments, fake_myit, after_commit
):
    client = page("delivery")
    assert (
        "Raise a change by hand"
        in client.get("/services/waste-tracking/integrations").content.decode()
    )

    empty = client.post("/services/waste-tracking/changes/raise", {"summary": "", "link_url": "x"})

    assert empty.status_code == 422
    assert "There is a problem" in empty.content.decode()
    with after_commit():
        done = client.post(
            "/services/waste-tracking/changes/raise", {"summary": "Hotfix"}, follow=True
        )

    body = done.content.decode()
    assert "it could affect 1 live service, 1 critical" in body
    assert "could affect 1 live service (1 critical)" in body
    [raised] = fake_myit.records("change_request")
    assert raised["short_description"] == "Hotfix"
