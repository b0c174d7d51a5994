"""``osr token create|list|revoke``: options, the listing, revocation."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from osr.core.models import ApiToken, hash_token

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_takes_a_name_an_expiry_and_read_only_and_prints_the_token_alone(db):
    UserFactory(username="robot")
    out = run("token", "create", "robot", "--name", "Nightly export", "--expires-in", "30",
              "--read-only")  # fmt: skip
    raw = out.strip()
    assert out == raw + "\n"
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert token.name == "Nightly export" and token.read_only
    assert token.expires_on == timezone.localdate() + dt.timedelta(days=30)


def test_create_expires_in_ninety_days_unless_told(db):
    UserFactory(username="robot")
    run("token", "create", "robot")
    assert ApiToken.objects.get().expires_on == timezone.localdate() + dt.timedelta(days=90)


@pytest.mark.parametrize("days", ["0", "366"])
def test_create_refuses_an_expiry_out_of_range(db, days):
    UserFactory(username="robot")
    with pytest.raises(CommandError, match="expiry date"):
        run("token", "create", "robot", "--expires-in", days)
    assert not ApiToken.objects.exists()


def test_list_shows_each_users_tokens_and_revoke_ends_one(db):
    robot, other = UserFactory(username="robot"), UserFactory(username="other")
    raw = ApiToken.issue(robot, name="Nightly export", read_only=True)
    ApiToken.issue(other, name="Dashboard")
    listing = run("token", "list", "robot")
    assert "Nightly export" in listing and "read-only" in listing and "Dashboard" not in listing
    assert "Dashboard" in run("token", "list")

    token = ApiToken.objects.get(user=robot)
    assert f"Revoked token {token.pk}" in run("token", "revoke", str(token.pk))
    assert "Nightly export" not in run("token", "list")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert "revoked" in api.get("/api/v1/services").json()["detail"]
    with pytest.raises(CommandError, match="already revoked"):
        run("token", "revoke", str(token.pk))
    with pytest.raises(CommandError, match="No token with id 999"):
        run("token", "revoke", "999")
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run("token", "list", "ghost")
