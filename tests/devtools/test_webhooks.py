"""Signed webhooks from GitHub, GitLab and Azure DevOps raising changes in the fake MyIT."""

import json
import logging
import uuid

import pytest

from osr.devtools import services
from osr.devtools.choices import ChangeRoute, ChangeStatus
from osr.devtools.models import ChangeRequest
from osr.myit.models import MyitRecord

from .conftest import GITHUB_DEPLOYMENT, azure_deployment, delivery_for, github, gitlab

pytestmark = pytest.mark.django_db

HOSTS = ["github", "gitlab", "azure-devops"]


def post(hook, integration, request: dict):
    return hook.post(integration.hook_path, **request)


@pytest.mark.parametrize("host", HOSTS)
def test_valid_delivery_raises_exactly_one_change_linked_to_the_service(
    host, hook, linked, waste, fake_myit
):
    integration, secret = linked(host)

    response = post(hook, integration, delivery_for(host, secret))

    assert response.status_code == 202, response.content
    assert response.json()["status"] == "accepted"
    [raised] = fake_myit.records("change_request")
    records = dict(MyitRecord.objects.filter(service=waste).values_list("key", "sys_id"))
    assert raised["type"] == "normal"
    assert raised["business_service"] == records["service"]
    assert raised["service_offering"] == records["offering"]
    assert raised["cmdb_ci"] == records["service"]
    assert raised["assignment_group"] == records["group:support"]
    assert raised["u_external_link"].startswith("https://")
    change = ChangeRequest.objects.get()
    assert change.status == ChangeStatus.RAISED
    assert change.myit_number == raised["number"] and change.myit_sys_id == raised["sys_id"]
    assert change.link_url == raised["u_external_link"]


@pytest.mark.parametrize("host", HOSTS)
def test_replayed_delivery_is_ignored(host, hook, linked, fake_myit):
    integration, secret = linked(host)
    delivery = str(uuid.uuid4())

    first = post(hook, integration, delivery_for(host, secret, delivery))
    again = post(hook, integration, delivery_for(host, secret, delivery))

    assert first.status_code == 202
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert ChangeRequest.objects.count() == 1
    assert len(fake_myit.records("change_request")) == 1


@pytest.mark.parametrize("host", HOSTS)
def test_bad_signature_is_refused_and_logged(host, hook, linked, fake_myit, caplog):
    integration, secret = linked(host)
    caplog.set_level(logging.WARNING, logger="osr.devtools.hooks")

    response = post(hook, integration, delivery_for(host, "osrwh_not-the-secret"))

    assert response.status_code == 401
    assert not ChangeRequest.objects.exists()
    assert "bad signature" in caplog.text and str(integration.public_id) in caplog.text
    assert secret not in caplog.text


@pytest.mark.parametrize("host", HOSTS)
def test_unsigned_delivery_is_refused(host, hook, linked):
    integration, _ = linked(host)

    response = hook.post(integration.hook_path, data=b"{}", content_type="application/json")

    assert response.status_code == 401


@pytest.mark.parametrize("host", HOSTS)
def test_malformed_delivery_is_a_bad_request(host, hook, linked):
    integration, secret = linked(host)
    request = delivery_for(host, secret)
    request["data"] = b"{not json"
    if host == "github":  # GitHub signs what it sends, malformed or not
        from osr.devtools.signing import github_signature

        request["headers"]["X-Hub-Signature-256"] = github_signature(secret, request["data"])

    response = post(hook, integration, request)

    assert response.status_code == 400
    assert "Malformed" in response.json()["detail"]
    assert not ChangeRequest.objects.exists()


def test_github_deployment_without_a_commit_is_malformed(hook, linked):
    integration, secret = linked("github")
    payload = json.loads(json.dumps(GITHUB_DEPLOYMENT))
    del payload["deployment"]["sha"]

    response = post(hook, integration, github("deployment", payload, secret))

    assert response.status_code == 400 and "deployment.sha" in response.json()["detail"]


def test_events_that_are_not_changes_are_accepted_and_ignored(hook, linked):
    github_hook, github_secret = linked("github")
    gitlab_hook, gitlab_secret = linked("gitlab")
    azure_hook, azure_secret = linked("azure-devops")

    ping = post(hook, github_hook, github("ping", {"zen": "Keep it simple"}, github_secret))
    draft = post(
        hook,
        github_hook,
        github("release", {"action": "created", "release": {}}, github_secret),
    )
    running = post(
        hook, gitlab_hook, gitlab({"object_kind": "deployment", "status": "running"}, gitlab_secret)
    )
    from .conftest import azure_devops

    failed = post(hook, azure_hook, azure_devops(azure_deployment(status="failed"), azure_secret))

    for response in (ping, draft, running, failed):
        assert response.status_code == 202 and response.json()["status"] == "ignored"
    assert not ChangeRequest.objects.exists()


def test_published_github_release_raises_a_change_linking_to_the_release(hook, linked, fake_myit):
    integration, secret = linked("github")
    payload = {
        "action": "published",
        "release": {
            "id": 102030,
            "tag_name": "v2.0.0",
            "name": "Waste 2",
            "html_url": "https://github.com/DEFRA/waste-tracking/releases/tag/v2.0.0",
            "target_commitish": "main",
        },
        "repository": {"full_name": "DEFRA/waste-tracking"},
    }

    response = post(hook, integration, github("release", payload, secret))

    assert response.status_code == 202
    [raised] = fake_myit.records("change_request")
    assert raised["short_description"] == "Release DEFRA/waste-tracking v2.0.0"
    assert raised["u_external_link"].endswith("/releases/tag/v2.0.0")


def test_azure_devops_secret_may_come_in_a_header(hook, linked):
    integration, secret = linked("azure-devops")

    response = hook.post(
        integration.hook_path,
        data=json.dumps(azure_deployment()).encode(),
        content_type="application/json",
        headers={"X-OSR-Webhook-Secret": secret},
    )

    assert response.status_code == 202


def test_unknown_webhook_or_wrong_host_is_not_found(hook, linked):
    integration, secret = linked("github")
    request = delivery_for("github", secret)

    assert hook.post(f"/hooks/github/{uuid.uuid4()}", **request).status_code == 404
    assert hook.post(f"/hooks/gitlab/{integration.public_id}", **request).status_code == 404
    assert hook.get(integration.hook_path).status_code == 405


def test_standard_change_from_the_approved_template_when_the_model_says_so(
    hook, linked, waste, fake_myit, users
):
    template = fake_myit.seed("std_change_record_producer", name="Deploy waste", active="true")
    services.save_change_model(
        waste, route=ChangeRoute.STANDARD, template_sys_id=template["sys_id"], by=users.delivery
    )
    component = waste.components.get()
    integration, secret = linked("gitlab", component=component)

    post(hook, integration, delivery_for("gitlab", secret))

    [raised] = fake_myit.records("change_request")
    assert raised["type"] == "standard"
    assert raised["std_change_producer_version"] == template["sys_id"]
    assert raised["chg_model"] == "Standard"
    assert raised["cmdb_ci"] == MyitRecord.objects.get(key=f"component:{component.pk}").sys_id
    assert ChangeRequest.objects.get().route == ChangeRoute.STANDARD


def test_raising_again_after_a_lost_answer_finds_the_change_instead_of_raising_another(
    hook, linked, fake_myit, client
):
    integration, secret = linked("github")
    post(hook, integration, delivery_for("github", secret))
    change = ChangeRequest.objects.get()
    change.status = ChangeStatus.FAILED  # as if MyIT's answer had been lost
    change.myit_number = ""
    change.save()

    services.raise_change(change.pk, client=client)

    change.refresh_from_db()
    assert len(fake_myit.records("change_request")) == 1
    assert change.status == ChangeStatus.RAISED
    assert change.myit_number == fake_myit.records("change_request")[0]["number"]


def test_change_for_a_service_not_in_myit_fails_clearly_and_can_be_retried(
    hook, linked, waste, fake_myit, client, users, after_commit
):
    MyitRecord.objects.filter(service=waste).delete()
    integration, secret = linked("github")

    post(hook, integration, delivery_for("github", secret))

    change = ChangeRequest.objects.get()
    assert change.status == ChangeStatus.FAILED
    assert "sync it to MyIT first" in change.message
    from osr.myit import services as myit_services

    myit_services.sync_now([waste], by=None, client=client)
    with after_commit():
        services.retry_change(change, by=users.delivery)
    change.refresh_from_db()
    assert change.status == ChangeStatus.RAISED
    assert len(fake_myit.records("change_request")) == 1


def test_myit_refusing_the_change_is_recorded(hook, linked, fake_myit):
    integration, secret = linked("github")
    fake_myit.inject(
        status=403,
        message="Insufficient rights to create a change",
        times=5,
        path_contains="sn_chg_rest",
    )

    response = post(hook, integration, delivery_for("github", secret))

    assert response.status_code == 202
    change = ChangeRequest.objects.get()
    assert change.status == ChangeStatus.FAILED
    assert "Insufficient rights to create a change" in change.message


def test_pub2_is_met_once_an_integration_has_raised_a_change(hook, linked, waste):
    assert not services.automated_links_of(waste).met
    integration, secret = linked("gitlab")
    assert "No change has been raised" in services.automated_links_of(waste).reason

    post(hook, integration, delivery_for("gitlab", secret))

    result = services.automated_links_of(waste)
    assert result.met and result.requirement_id == "PUB-2"


def test_one_delivery_recorded_twice_at_once_keeps_one_change(linked, waste):
    from osr.devtools.hosts import Delivery

    integration, _ = linked("github")
    delivery = Delivery(delivery_id="abc", event="github deployment", summary="Deploy")

    first, created = services.receive_delivery(integration, delivery)
    second, again = services.receive_delivery(integration, delivery)

    assert created and not again and first.pk == second.pk
