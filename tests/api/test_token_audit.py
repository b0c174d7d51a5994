"""Issuing and revoking an API token leaves an entry in the audit trail: who did it and
which token (its name and prefix), never the secret nor its hash."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from osr.core.models import ApiToken

from ..browsing import forms_of
from ..core.test_tokens import create, raw_token_in

pytestmark = pytest.mark.django_db


def token_entries(token: ApiToken) -> list[LogEntry]:
    kind = ContentType.objects.get_for_model(ApiToken)
    return list(LogEntry.objects.filter(content_type=kind, object_pk=str(token.pk)).order_by("pk"))


def test_issuing_and_revoking_a_token_are_audited_without_its_secret(page, users):
    holder = page("delivery")
    raw = raw_token_in(create(holder, name="Deployment pipeline").content.decode())
    token = ApiToken.objects.get(user=users.delivery)

    revoke = f"/account/tokens/{token.pk}/revoke"
    admin = page("admin")
    (form,) = [
        f for f in forms_of(admin.get(revoke).content.decode(), revoke) if f.action.endswith(revoke)
    ]
    assert admin.post(form.action, form.as_post()).status_code == 302

    issued, revoked = token_entries(token)
    assert (issued.action, issued.actor) == (LogEntry.Action.CREATE, users.delivery)
    assert issued.changes_dict["name"][1] == "Deployment pipeline"
    assert issued.changes_dict["prefix"][1] == token.prefix
    assert (revoked.action, revoked.actor) == (LogEntry.Action.UPDATE, users.admin)
    assert set(revoked.changes_dict) == {"revoked_at", "revoked_by"}
    assert "Deployment pipeline" in revoked.object_repr
    for entry in (issued, revoked):
        recorded = str(entry.changes) + entry.object_repr + str(entry.additional_data)
        assert raw not in recorded and raw[4:] not in recorded
        assert token.key_hash not in recorded and "key_hash" not in entry.changes_dict


def test_using_a_token_adds_nothing_to_the_audit_trail(page, users):
    raw = raw_token_in(create(page("delivery"), name="Pipeline").content.decode())
    token = ApiToken.objects.get()
    before = len(token_entries(token))
    Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/services")
    assert len(token_entries(token)) == before == 1
