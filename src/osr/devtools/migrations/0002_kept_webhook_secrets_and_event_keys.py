"""Webhook secrets kept per integration, and changes known by their event per integration.

Secrets made before were derived from ``OSR_SECRET_KEY`` and the integration's
salt. Each is computed once more, here, and kept as verifying needs it
(``osr.devtools.signing``): the code hosts keep working, and from now on the
secret key can change without breaking them. Changes recorded before are
known by their delivery id, within their integration.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models

from osr.devtools import signing

SIGNED_BY_HMAC = {"github"}


def derived_secret(salt: str) -> str:
    """The secret an integration was given while secrets were derived from the secret key."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"osr.devtools.webhook:{salt}".encode(), hashlib.sha256
    ).digest()
    return "osrwh_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def keep_derived_secrets(apps, schema_editor):
    Integration = apps.get_model("devtools", "Integration")
    for integration in Integration.objects.filter(stored_secret="").exclude(salt=""):
        integration.stored_secret = signing.keep(
            derived_secret(integration.salt), needs_secret=integration.host in SIGNED_BY_HMAC
        )
        integration.secret_changed_at = integration.created
        integration.save(update_fields=["stored_secret", "secret_changed_at"])
    ChangeRequest = apps.get_model("devtools", "ChangeRequest")
    for change in ChangeRequest.objects.filter(event_key="", integration__isnull=False):
        change.event_key = f"delivery:{change.delivery_id}"[:300]
        change.save(update_fields=["event_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("devtools", "0001_integrations_change_models_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="integration",
            name="stored_secret",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="integration",
            name="previous_secret",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="integration",
            name="previous_secret_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="integration",
            name="secret_changed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="changerequest",
            name="event_key",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RemoveConstraint(
            model_name="changerequest",
            name="one_change_per_delivery",
        ),
        migrations.RunPython(keep_derived_secrets, migrations.RunPython.noop),
    ]
