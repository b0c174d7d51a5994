"""Linking code hosts to a service: the secret shown once, pages, API and the change history."""

import pytest

from osr.devtools import services, signing
from osr.devtools.choices import ChangeStatus
from osr.devtools.models import ChangeModel, ChangeRequest, Integration

from .conftest import delivery_for

pytestmark = pytest.mark.django_db


def stored_values(integration: Integration) -> str:
    return " ".join(
        str(v) for v in Integration.objects.filter(pk=integration.pk).values().get().values()
    )


def test_linking_a_code_host_shows_its_secret_once_and_never_stores_it(page, waste):
    client = page("delivery")

    created = client.post(
        "/services/waste-tracking/integrations/add", {"host": "github", "name": "waste-tracking"}
    )

    assert created.status_code == 201
    assert created["Cache-Control"] == "no-store"
    integration = Integration.objects.get()
    secret = created.content.decode().split('<code id="webhook-secret">')[1].split("</code>")[0]
    assert signing.matches(integration.stored_secret, secret)
    assert f"http://testserver/hooks/github/{integration.public_id}" in created.content.decode()
    assert secret not in stored_values(integration)
    listed = client.get("/services/waste-tracking/integrations").content.decode()
    assert "waste-tracking" in listed and secret not in listed


def test_only_the_services_team_may_link_code_hosts(page, waste):
    assert page("outsider").get("/services/waste-tracking/integrations/add").status_code == 403
    assert (
        page("viewer")
        .post("/services/waste-tracking/integrations/add", {"host": "github", "name": "x"})
        .status_code
        == 403
    )
    assert page("viewer").get("/services/waste-tracking/integrations").status_code == 200
    assert not Integration.objects.exists()


def test_linking_with_bad_input_shows_the_errors(page, waste):
    response = page("delivery").post(
        "/services/waste-tracking/integrations/add", {"host": "bitbucket", "name": ""}
    )

    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()


def test_unlinking_asks_first_and_keeps_the_changes(page, linked, hook):
    integration, secret = linked("gitlab")
    hook.post(integration.hook_path, **delivery_for("gitlab", secret))
    client = page("delivery")
    path = f"/services/waste-tracking/integrations/{integration.public_id}/delete"

    assert "Are you sure" in client.get(path).content.decode()
    assert client.post(path).status_code == 302

    assert not Integration.objects.exists()
    assert ChangeRequest.objects.get().integration is None
    assert hook.post(integration.hook_path, **delivery_for("gitlab", secret)).status_code == 404


def test_change_model_needs_a_template_for_standard_changes(page, waste):
    client = page("delivery")

    refused = client.post("/services/waste-tracking/change-model", {"route": "standard"})
    saved = client.post(
        "/services/waste-tracking/change-model",
        {"route": "standard", "standard_template_sys_id": "A" * 32},
    )

    assert refused.status_code == 422
    assert saved.status_code == 302
    assert ChangeModel.objects.get(service=waste).standard_template_sys_id == "a" * 32


def test_service_page_shows_changes_with_their_myit_number_and_link(page, linked, hook, settings):
    integration, secret = linked("github")
    hook.post(integration.hook_path, **delivery_for("github", secret))
    change = ChangeRequest.objects.get()

    shown = page("viewer").get("/services/waste-tracking/myit").content.decode()

    assert "Changes raised from developer tooling" in shown
    assert change.myit_number in shown
    assert f"nav_to.do?uri=change_request.do?sys_id={change.myit_sys_id}" in shown
    assert "https://github.com/DEFRA/waste-tracking/commit/" in shown
    assert "PUB-2 met" in shown


def test_failed_change_can_be_raised_again_from_the_service_page(
    page, linked, hook, fake_myit, after_commit
):
    integration, secret = linked("github")
    fake_myit.inject(status=400, message="Mandatory field missing", path_contains="sn_chg_rest")
    hook.post(integration.hook_path, **delivery_for("github", secret))
    change = ChangeRequest.objects.get()
    assert (
        "Mandatory field missing"
        in page("viewer").get("/services/waste-tracking/myit").content.decode()
    )

    with after_commit():
        page("delivery").post(f"/services/waste-tracking/changes/{change.pk}/retry")

    change.refresh_from_db()
    assert change.status == ChangeStatus.RAISED


def test_integrations_page_loads_in_fixed_queries(page, linked, django_assert_max_num_queries):
    for host in ["github", "gitlab", "azure-devops", "github"]:
        linked(host)
    client = page("viewer")

    with django_assert_max_num_queries(10):
        response = client.get("/services/waste-tracking/integrations")

    assert response.content.decode().count("/hooks/") == 4


def test_api_links_lists_and_unlinks_code_hosts(api, waste):
    created = api("delivery").post(
        "/api/v1/services/waste-tracking/integrations", {"host": "gitlab", "name": "waste"}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    integration = Integration.objects.get()
    assert signing.matches(integration.stored_secret, body["secret"])
    assert body["hook_url"].endswith(f"/hooks/gitlab/{integration.public_id}")

    listed = api("viewer").get("/api/v1/services/waste-tracking/integrations").json()["results"]
    assert [i["name"] for i in listed] == ["waste"] and "secret" not in listed[0]

    path = f"/api/v1/services/waste-tracking/integrations/{integration.public_id}"
    assert api("outsider").delete(path).status_code == 403
    assert api("delivery").delete(path).status_code == 204
    assert not Integration.objects.exists()


def test_api_refuses_bad_integrations_with_field_errors(api, waste):
    response = api("delivery").post(
        "/api/v1/services/waste-tracking/integrations", {"host": "svn", "name": ""}
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"host", "name"}


def test_api_change_model_and_change_history(api, linked, hook, waste):
    put = api("delivery")._call(
        "put", "/api/v1/services/waste-tracking/change-model", json={"route": "normal"}
    )
    assert put.status_code == 200 and put.json()["route"] == "normal"
    integration, secret = linked("azure-devops")
    hook.post(integration.hook_path, **delivery_for("azure-devops", secret))

    body = api("viewer").get("/api/v1/services/waste-tracking/changes").json()
    changes = body["results"]

    assert body["count"] == 1 and len(changes) == 1
    assert changes[0]["integration"] == str(integration)
    assert changes[0]["myit_number"].startswith("CHG")
    assert changes[0]["link_url"].startswith("https://dev.azure.com/")
    assert services.automated_links_of(waste).met


def test_cli_links_a_code_host_printing_its_secret_once_and_shows_changes(waste, capsys):
    from django.core.management import CommandError, call_command

    call_command("devtools", "link", "waste-tracking", "--host", "gitlab", "--name", "waste")
    out = capsys.readouterr().out
    integration = Integration.objects.get()
    secret = out.split("Secret (shown only this once): ")[1].split()[0]
    assert signing.matches(integration.stored_secret, secret) and integration.hook_path in out

    call_command("devtools", "show", "waste-tracking")
    shown = capsys.readouterr().out
    assert integration.hook_path in shown and secret not in shown
    with pytest.raises(CommandError, match="has no component"):
        call_command(
            "devtools",
            "link",
            "waste-tracking",
            "--host",
            "github",
            "--name",
            "x",
            "--component",
            "Nothing",
        )
