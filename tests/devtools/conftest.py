"""Webhook deliveries as each code host sends them, against a service synced to the fake MyIT."""

import base64
import json
import uuid

import pytest
from django.test import Client

from osr.devtools import services
from osr.devtools.signing import github_signature
from osr.myit import services as myit_services

from ..factories import ComponentFactory, ServiceFactory
from ..myit.conftest import client, fake_myit, fake_server, waits  # noqa: F401 (fixtures)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def after_commit(settings, django_capture_on_commit_callbacks):
    """``with after_commit():`` runs what commits queue, tasks included, as a worker would."""
    settings.TASKS = IMMEDIATE
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def waste(users, fake_myit, client):  # noqa: F811
    service = ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    ComponentFactory(service=service, name="Waste web")
    myit_services.sync_now([service], by=None, client=client)
    return service


def github(event: str, payload: dict, secret: str, delivery: str | None = None) -> dict:
    body = json.dumps(payload).encode()
    return {
        "data": body,
        "content_type": "application/json",
        "headers": {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "X-Hub-Signature-256": github_signature(secret, body),
        },
    }


def gitlab(payload: dict, secret: str, delivery: str | None = None) -> dict:
    return {
        "data": json.dumps(payload).encode(),
        "content_type": "application/json",
        "headers": {
            "X-Gitlab-Event": "Deployment Hook",
            "X-Gitlab-Token": secret,
            "Idempotency-Key": delivery or str(uuid.uuid4()),
        },
    }


def azure_devops(payload: dict, secret: str) -> dict:
    token = base64.b64encode(f"osr:{secret}".encode()).decode()
    return {
        "data": json.dumps(payload).encode(),
        "content_type": "application/json",
        "headers": {"Authorization": f"Basic {token}"},
    }


GITHUB_DEPLOYMENT = {
    "action": "created",
    "deployment": {
        "id": 1,
        "sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        "ref": "v1.4.0",
        "environment": "production",
        "description": "Deploy waste tracking",
    },
    "repository": {
        "full_name": "DEFRA/waste-tracking",
        "html_url": "https://github.com/DEFRA/waste-tracking",
    },
}
GITLAB_DEPLOYMENT = {
    "object_kind": "deployment",
    "status": "success",
    "deployment_id": 15,
    "environment": "production",
    "short_sha": "a1b2c3d4",
    "ref": "main",
    "commit_title": "Add waste carriers",
    "deployable_url": "https://gitlab.example/defra/waste/-/jobs/42",
    "commit_url": "https://gitlab.example/defra/waste/-/commit/a1b2c3d4",
    "project": {
        "path_with_namespace": "defra/waste",
        "web_url": "https://gitlab.example/defra/waste",
    },
}


def azure_deployment(event_id: str | None = None, status: str = "succeeded") -> dict:
    """A "Release deployment completed" service hook event, as Azure DevOps documents it."""
    return {
        "subscriptionId": "00ca946b-2fe9-4f2a-ae2f-40d5c48001bc",
        "notificationId": 3,
        "id": event_id or str(uuid.uuid4()),
        "eventType": "ms.vss-release.deployment-completed-event",
        "publisherId": "rm",
        "message": {"text": "Deployment of release Release-7 on environment Production Succeeded."},
        "resource": {
            "environment": {
                "id": 5,
                "releaseId": 7,
                "name": "Production",
                "status": status,
                "release": {
                    "id": 7,
                    "name": "Release-7",
                    "_links": {
                        "web": {"href": "https://dev.azure.com/defra/waste/_release?releaseId=7"}
                    },
                },
            },
            "deployment": {
                "id": 117,
                "attempt": 1,
                "reason": "automated",
                "deploymentStatus": status,
                "release": {"id": 7, "name": "Release-7"},
                "releaseEnvironment": {"id": 5, "name": "Production"},
            },
            "project": {"id": "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", "name": "waste"},
        },
        "resourceVersion": "3.0-preview.1",
    }


def delivery_for(host: str, secret: str, delivery: str | None = None) -> dict:
    """A valid delivery that raises a change, as each host sends it."""
    if host == "github":
        return github("deployment", GITHUB_DEPLOYMENT, secret, delivery)
    if host == "gitlab":
        return gitlab(GITLAB_DEPLOYMENT, secret, delivery)
    return azure_devops(azure_deployment(delivery), secret)


class CodeHost:
    """A client like a code host's: no session, CSRF checks on; queued tasks run at once."""

    def __init__(self, after_commit):
        self.client = Client(enforce_csrf_checks=True)
        self.after_commit = after_commit

    def post(self, path: str, **request):
        with self.after_commit():
            return self.client.post(path, **request)

    def get(self, path: str):
        return self.client.get(path)


@pytest.fixture
def hook(after_commit):
    return CodeHost(after_commit)


@pytest.fixture
def linked(waste, users):
    """``linked(host)`` links a code host to the waste service: (integration, secret)."""

    def link(host: str, component=None):
        return services.create_integration(
            waste, host=host, name=f"{host} pipeline", component=component, by=users.delivery
        )

    return link
