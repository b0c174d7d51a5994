"""A delivery is known by the event it reports, per integration; only web links are kept.

The payloads follow the shapes GitHub, GitLab and Azure DevOps document for
their webhooks and service hooks (trimmed to the fields that matter here).
"""

import json
import uuid

import pytest

from osr.devtools.models import ChangeRequest
from osr.devtools.signing import github_signature

from ..factories import ServiceFactory
from .conftest import (
    GITHUB_DEPLOYMENT,
    GITLAB_DEPLOYMENT,
    azure_deployment,
    azure_devops,
    delivery_for,
    github,
    gitlab,
)

pytestmark = pytest.mark.django_db

HOSTS = ["github", "gitlab", "azure-devops"]

GITHUB_RELEASE = {
    "action": "published",
    "release": {
        "id": 102030,
        "tag_name": "v2.0.0",
        "name": "Waste 2",
        "html_url": "https://github.com/DEFRA/waste-tracking/releases/tag/v2.0.0",
        "target_commitish": "main",
    },
    "repository": {"id": 1296269, "full_name": "DEFRA/waste-tracking"},
}


def same_event_again(host: str, secret: str) -> tuple[dict, dict]:
    """One event sent twice, the second time under a new delivery id."""
    if host == "github":
        return (
            github("deployment", GITHUB_DEPLOYMENT, secret, str(uuid.uuid4())),
            github("deployment", GITHUB_DEPLOYMENT, secret, str(uuid.uuid4())),
        )
    if host == "gitlab":
        return (
            gitlab(GITLAB_DEPLOYMENT, secret, str(uuid.uuid4())),
            gitlab(GITLAB_DEPLOYMENT, secret, str(uuid.uuid4())),
        )
    # Azure DevOps numbers each notification; the deployment is the event's identity.
    first = azure_deployment(str(uuid.uuid4()))
    again = json.loads(json.dumps(first))
    again["id"] = str(uuid.uuid4())
    again["notificationId"] = first["notificationId"] + 1
    return azure_devops(first, secret), azure_devops(again, secret)


def another_event(host: str, secret: str, delivery: str) -> dict:
    """A different event from the same host, sent under the given delivery id."""
    if host == "github":
        payload = json.loads(json.dumps(GITHUB_DEPLOYMENT))
        payload["deployment"]["id"] += 1
        return github("deployment", payload, secret, delivery)
    if host == "gitlab":
        payload = dict(GITLAB_DEPLOYMENT, deployment_id=GITLAB_DEPLOYMENT["deployment_id"] + 1)
        return gitlab(payload, secret, delivery)
    payload = azure_deployment(delivery)
    payload["resource"]["deployment"]["id"] += 1
    return azure_devops(payload, secret)


@pytest.mark.parametrize("host", HOSTS)
def test_the_same_signed_event_under_a_new_delivery_id_raises_no_second_change(
    host, hook, linked, fake_myit
):
    integration, secret = linked(host)
    first, again = same_event_again(host, secret)

    accepted = hook.post(integration.hook_path, **first)
    replayed = hook.post(integration.hook_path, **again)

    assert accepted.status_code == 202, accepted.content
    assert replayed.status_code == 200, replayed.content
    assert replayed.json()["status"] == "duplicate"
    assert replayed.json()["detail"] == "Already received"
    assert ChangeRequest.objects.count() == 1
    assert len(fake_myit.records("change_request")) == 1


def test_a_github_release_is_known_by_its_id_and_action(hook, linked, fake_myit):
    integration, secret = linked("github")
    edited = json.loads(json.dumps(GITHUB_RELEASE))
    edited["release"]["name"] = "Waste 2, renamed"

    first = hook.post(integration.hook_path, **github("release", GITHUB_RELEASE, secret))
    again = hook.post(integration.hook_path, **github("release", edited, secret))

    assert first.status_code == 202 and again.status_code == 200
    assert len(fake_myit.records("change_request")) == 1


@pytest.mark.parametrize("host", HOSTS)
def test_another_integrations_delivery_id_neither_swallows_nor_reveals_an_event(
    host, hook, linked, users, fake_myit
):
    from osr.devtools import services

    theirs = ServiceFactory(name="Flood alerts", slug="flood-alerts", delivery_group=users.other)
    their_integration, their_secret = services.create_integration(
        theirs, host=host, name="flood", component=None, by=users.outsider
    )
    integration, secret = linked(host)
    delivery = str(uuid.uuid4())
    if host == "azure-devops":  # the event id is in the body: the same id in both
        hook.post(
            their_integration.hook_path, **azure_devops(azure_deployment(delivery), their_secret)
        )
    else:
        hook.post(their_integration.hook_path, **another_event(host, their_secret, delivery))
    their_change = ChangeRequest.objects.get(service=theirs)

    response = hook.post(integration.hook_path, **another_event(host, secret, delivery))

    assert response.status_code == 202, response.content
    assert response.json()["status"] == "accepted"
    assert response.json()["change"] != their_change.pk
    assert ChangeRequest.objects.filter(service=integration.service).count() == 1


@pytest.mark.parametrize("host", HOSTS)
def test_the_same_event_for_two_integrations_raises_a_change_for_each(
    host, hook, linked, fake_myit
):
    one, one_secret = linked(host)
    two, two_secret = linked(host)
    delivery = str(uuid.uuid4())

    assert hook.post(one.hook_path, **delivery_for(host, one_secret, delivery)).status_code == 202
    assert hook.post(two.hook_path, **delivery_for(host, two_secret, delivery)).status_code == 202
    assert ChangeRequest.objects.count() == 2
    assert len(fake_myit.records("change_request")) == 2


def test_a_github_deployment_without_its_id_is_malformed(hook, linked):
    integration, secret = linked("github")
    payload = json.loads(json.dumps(GITHUB_DEPLOYMENT))
    del payload["deployment"]["id"]

    response = hook.post(integration.hook_path, **github("deployment", payload, secret))

    assert response.status_code == 400 and "deployment.id" in response.json()["detail"]


LINKS_NOT_KEPT = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "/releases/tag/v2.0.0",
    "//evil.example/x",
    "ftp://example.com/release",
    "https:///no-host",
]


@pytest.mark.parametrize("link", LINKS_NOT_KEPT)
def test_only_http_and_https_links_are_kept_from_a_delivery(link, hook, linked, fake_myit):
    integration, secret = linked("github")
    payload = json.loads(json.dumps(GITHUB_RELEASE))
    payload["release"]["html_url"] = link

    response = hook.post(integration.hook_path, **github("release", payload, secret))

    assert response.status_code == 202
    assert ChangeRequest.objects.get().link_url == ""
    [raised] = fake_myit.records("change_request")
    assert link not in json.dumps(raised)


def test_a_link_kept_before_is_shown_only_when_it_is_a_web_link(page, api, waste):
    for n, link in enumerate(["javascript:alert(1)", "https://example.com/ok"]):
        ChangeRequest.objects.create(
            service=waste,
            host="github",
            delivery_id=str(n),
            event="github release",
            summary=f"Release {n}",
            link_url=link,
        )

    shown = page("viewer").get("/services/waste-tracking/myit").content.decode()
    listed = api("viewer").get("/api/v1/services/waste-tracking/changes").json()["results"]

    assert "javascript:" not in shown.lower()
    assert 'href="https://example.com/ok"' in shown
    assert {c["summary"]: c["link_url"] for c in listed} == {
        "Release 0": "",
        "Release 1": "https://example.com/ok",
    }


def test_a_body_over_the_limit_is_answered_413_saying_the_limit(hook, linked, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    integration, secret = linked("github")
    body = json.dumps({**GITHUB_DEPLOYMENT, "padding": "x" * 2000}).encode()

    response = hook.post(
        integration.hook_path,
        data=body,
        content_type="application/json",
        headers={
            "X-GitHub-Event": "deployment",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": github_signature(secret, body),
        },
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "1000 bytes" in response.json()["detail"]
    assert not ChangeRequest.objects.exists()
