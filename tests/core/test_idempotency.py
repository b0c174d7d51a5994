"""Integrations retrying a POST with the same Idempotency-Key create nothing more."""

import pytest

from osr.catalogue.models import Service

pytestmark = pytest.mark.django_db

BODY = {"name": "Waste tracking", "slug": "waste-tracking", "delivery_group": "farming"}


def post(client, body, key):
    return client.client.post(
        "/api/v1/services",
        data=body,
        content_type="application/json",
        headers={**client.headers, "Idempotency-Key": key},
    )


def test_a_replay_returns_the_first_answer_and_creates_nothing(api, users):
    client = api("delivery")
    first = post(client, BODY, "deploy-42")
    again = post(client, BODY, "deploy-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Service.objects.filter(slug="waste-tracking").count() == 1


def test_a_refusal_is_replayed_too(api, users):
    client = api("delivery")
    bad = {**BODY, "slug": "not a slug"}
    assert post(client, bad, "k1").status_code == 422
    assert post(client, bad, "k1").status_code == 422
    assert not Service.objects.exists()


def test_the_same_key_for_a_different_request_is_refused(api, users):
    client = api("delivery")
    assert post(client, BODY, "k2").status_code == 201
    other = post(client, {**BODY, "slug": "other"}, "k2")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["errors"]
    assert not Service.objects.filter(slug="other").exists()


def test_keys_belong_to_their_user(api, users):
    assert post(api("delivery"), BODY, "shared").status_code == 201
    # Another user's request with the same key is its own request (a duplicate slug here).
    assert post(api("admin"), BODY, "shared").status_code == 409


def test_without_a_key_every_post_is_its_own(api, users):
    client = api("delivery")
    assert client.post("/api/v1/services", BODY).status_code == 201
    assert client.post("/api/v1/services", BODY).status_code == 409
