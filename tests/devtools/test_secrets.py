"""Webhook secrets kept per integration, independent of the secret key, and rotated with grace."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from osr.devtools import services, signing
from osr.devtools.models import ChangeRequest, Integration

from .conftest import delivery_for

pytestmark = pytest.mark.django_db

HOSTS = ["github", "gitlab", "azure-devops"]


def stored(integration: Integration) -> str:
    return " ".join(
        str(v) for v in Integration.objects.filter(pk=integration.pk).values().get().values()
    )


@pytest.mark.parametrize("host", HOSTS)
def test_changing_the_secret_key_breaks_no_integration(host, hook, linked, settings):
    integration, secret = linked(host)

    settings.SECRET_KEY = "a-new-secret-key-" + "k" * 50

    response = hook.post(integration.hook_path, **delivery_for(host, secret))
    assert response.status_code == 202, response.content


def test_a_signing_secret_is_kept_encrypted_and_a_compared_one_only_hashed(linked):
    github, github_secret = linked("github")
    gitlab, gitlab_secret = linked("gitlab")
    azure, azure_secret = linked("azure-devops")

    assert github_secret not in stored(github)
    assert github.stored_secret.startswith("fernet$")
    assert signing.unsealed(github.stored_secret) == github_secret
    for integration, secret in [(gitlab, gitlab_secret), (azure, azure_secret)]:
        assert secret not in stored(integration)
        assert integration.stored_secret.startswith("sha256$")
        assert signing.unsealed(integration.stored_secret) == ""


def test_the_encryption_keys_can_be_rotated(hook, linked, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.OSR_WEBHOOK_KEYS = [old_key]
    integration, secret = linked("github")

    settings.OSR_WEBHOOK_KEYS = [new_key, old_key]
    assert hook.post(integration.hook_path, **delivery_for("github", secret)).status_code == 202
    call_command("devtools", "rekey")
    settings.OSR_WEBHOOK_KEYS = [new_key]

    integration.refresh_from_db()
    assert signing.unsealed(integration.stored_secret) == secret


@pytest.mark.parametrize("host", HOSTS)
def test_a_rotated_secret_is_accepted_alongside_the_old_one_for_the_grace_period(
    host, hook, linked, users, settings
):
    settings.OSR_WEBHOOK_SECRET_GRACE_HOURS = 24
    integration, old = linked(host)

    rotated, new = services.rotate_secret(integration, by=users.delivery)

    assert new != old
    assert rotated.previous_secret_until > timezone.now() + dt.timedelta(hours=23)
    assert hook.post(integration.hook_path, **delivery_for(host, new)).status_code == 202
    assert hook.post(integration.hook_path, **delivery_for(host, old, "2")).status_code in (
        200,
        202,
    )
    Integration.objects.filter(pk=integration.pk).update(
        previous_secret_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert hook.post(integration.hook_path, **delivery_for(host, old)).status_code == 401
    assert hook.post(integration.hook_path, **delivery_for(host, new)).status_code in (200, 202)


def test_rotating_from_the_code_hosts_page_shows_the_new_secret_once(page, linked):
    integration, old = linked("gitlab")
    path = f"/services/waste-tracking/integrations/{integration.public_id}/secret"
    client = page("delivery")

    asked = client.get(path)
    listed = client.get("/services/waste-tracking/integrations").content.decode()
    made = client.post(path)

    assert asked.status_code == 200 and "24 hours" in asked.content.decode()
    assert path in listed
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    integration.refresh_from_db()
    shown = made.content.decode()
    new = shown.split('<code id="webhook-secret">')[1].split("</code>")[0]
    assert new != old and signing.matches(integration.stored_secret, new)
    assert new not in client.get("/services/waste-tracking/integrations").content.decode()


def test_only_the_services_team_may_rotate_a_secret(page, api, linked):
    integration, _ = linked("github")
    before = Integration.objects.get().stored_secret

    assert page("viewer").post(
        f"/services/waste-tracking/integrations/{integration.public_id}/secret"
    ).status_code in (403, 404)
    assert (
        api("outsider")
        .post(f"/api/v1/services/waste-tracking/integrations/{integration.public_id}/secret")
        .status_code
        == 403
    )
    assert Integration.objects.get().stored_secret == before


def test_api_rotates_a_secret_and_says_until_when_the_old_one_is_accepted(api, linked, hook):
    integration, old = linked("github")

    response = api("delivery").post(
        f"/api/v1/services/waste-tracking/integrations/{integration.public_id}/secret"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["secret"] != old and body["previous_secret_until"]
    assert hook.post(integration.hook_path, **delivery_for("github", body["secret"])).status_code
    assert ChangeRequest.objects.count() == 1


def test_cli_rotates_a_secret_printing_it_once(linked, capsys):
    integration, old = linked("azure-devops")

    call_command("devtools", "rotate", "waste-tracking", str(integration.public_id))

    out = capsys.readouterr().out
    integration.refresh_from_db()
    new = out.split("Secret (shown only this once): ")[1].split()[0]
    assert new != old and signing.matches(integration.stored_secret, new)
    assert "accepted until" in out


@pytest.mark.django_db(transaction=True)
def test_integrations_made_before_keep_working_after_the_migration(users, hook, settings):
    """Their secrets were derived from the secret key and a salt: the migration keeps them."""
    import base64
    import hashlib
    import hmac

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from ..factories import ServiceFactory

    service = ServiceFactory(slug="waste-tracking", delivery_group=users.own)
    key_at_migration = settings.SECRET_KEY.encode()
    first = ("devtools", "0001_integrations_change_models_changes")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("devtools")
    executor.migrate([first])
    old_apps = executor.loader.project_state([first]).apps
    old_model = old_apps.get_model("devtools", "Integration")
    made = {
        host: old_model.objects.create(
            service_id=service.pk, host=host, name=host, salt=f"salt-{n}" * 4
        )
        for n, host in enumerate(HOSTS)
    }

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    settings.SECRET_KEY = "rotated-after-the-migration-" + "k" * 40

    for host, old in made.items():
        digest = hmac.new(
            key_at_migration,
            f"osr.devtools.webhook:{old.salt}".encode(),
            hashlib.sha256,
        ).digest()
        secret = "osrwh_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
        integration = Integration.objects.get(pk=old.pk)
        response = hook.post(integration.hook_path, **delivery_for(host, secret))
        assert response.status_code == 202, (host, response.content)
