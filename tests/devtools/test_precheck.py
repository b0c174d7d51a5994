"""The pre-check a pipeline runs before it deploys: over the API and from the CLI."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from osr.devtools import services
from osr.devtools.choices import ChangeRoute
from osr.devtools.models import ChangeRequest

from ..factories import DependencyFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db

PRECHECK = "/api/v1/services/waste-tracking/precheck"
TEMPLATE = "0" * 32


@pytest.fixture
def waste(users):
    return ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)


@pytest.fixture
def payments(waste):
    service = ServiceFactory(
        name="Farming payments",
        slug="farming-payments",
        phase="live",
        critical=True,
        support_contact_email="payments-support@defra.example",
        service_owner=PersonFactory(name="Owen Owner", email="owen@defra.example"),
    )
    DependencyFactory(from_service=service, to_service=waste, carries_live_data=True)
    return service


def agree(waste, users, **extra):
    return services.save_change_model(
        waste, route=ChangeRoute.STANDARD, template_sys_id=TEMPLATE, by=users.admin, **extra
    )


def run(slug: str) -> tuple[int, str]:
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("precheck", slug, stdout=out)
    return exited.value.code, out.getvalue()


def test_stops_a_change_to_a_critical_live_service_without_an_agreed_change_model(
    api, waste, payments
):
    response = api("viewer").post(PRECHECK)

    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["verdict"], answer["exit_code"]) == ("stop", 2)
    assert "no agreed change model" in answer["reason"]
    radius = answer["blast_radius"]
    assert (radius["live"], radius["critical_live"], radius["live_data"]) == (1, 1, 1)
    [affected] = radius["live_services"]
    assert affected["slug"] == "farming-payments" and affected["depth"] == 1
    assert affected["support_contact_email"] == "payments-support@defra.example"
    assert affected["contacts"]["service_owner"]["name"] == "Owen Owner"
    assert (answer["risk"], answer["impact"]) == ("High", "High")
    assert "Farming payments (critical" in answer["summary"]
    assert not ChangeRequest.objects.exists()  # a pre-check writes nothing


def test_a_standard_model_goes_the_normal_route_when_a_critical_live_service_could_break(
    api, waste, payments, users
):
    agree(waste, users)

    answer = api("viewer").post(PRECHECK).json()

    assert (answer["verdict"], answer["exit_code"], answer["route"]) == ("normal", 1, "normal")
    assert "change advisory board" in answer["route_reason"]


def test_proceeds_as_a_standard_change_when_nothing_critical_is_affected(api, waste, users):
    agree(waste, users)

    answer = api("viewer").post(PRECHECK).json()

    assert (answer["verdict"], answer["exit_code"], answer["route"]) == ("proceed", 0, "standard")
    assert answer["blast_radius"]["live"] == 0
    assert (answer["risk"], answer["impact"]) == ("Low", "Low")


def test_stops_a_service_not_ready_for_its_phase(api, waste, users):
    agree(waste, users)
    waste.phase = "public_beta"
    waste.save()

    answer = api("viewer").post(PRECHECK).json()

    assert answer["verdict"] == "stop" and not answer["ready_for_phase"]
    assert answer["open_requirements"]
    assert answer["reason"].startswith("Not ready for its phase: ")


def test_precheck_needs_a_token_and_a_known_service(api, waste):
    assert api().post(PRECHECK).status_code == 401
    assert api("viewer").post("/api/v1/services/no-such/precheck").status_code == 404


def test_cli_exits_0_1_or_2_by_the_verdict(waste, payments, users):
    stopped, text = run("waste-tracking")
    assert stopped == 2 and text.startswith("Stop: ")
    assert "Farming payments (critical, needs it directly, receives live data from it)" in text

    agree(waste, users)
    normal, text = run("waste-tracking")
    assert normal == 1 and text.startswith("Proceed with the normal route: ")

    agree(waste, users, even_if_critical=True)
    assert run("waste-tracking")[0] == 0


def test_cli_stops_on_an_unknown_service_with_one_line(waste):
    with pytest.raises(CommandError) as refused:
        call_command("precheck", "no-such", stdout=StringIO())

    assert refused.value.returncode == 2
    assert str(refused.value) == "No service with the slug ‘no-such’"
