"""API tokens at the API: expiry, revocation, last use, read-only, and the declared scheme."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.core.models import ApiToken, hash_token
from osr.core.tokens import services

from ..factories import DeliveryGroupFactory

pytestmark = pytest.mark.django_db


def issue(user, **options) -> tuple[str, ApiToken]:
    today = timezone.localdate()
    raw = services.issue(
        user,
        name=options.pop("name", "Pipeline"),
        expires_on=options.pop("expires_on", today + dt.timedelta(days=30)),
        read_only=options.pop("read_only", False),
        today=today,
    )
    return raw, ApiToken.objects.get(key_hash=hash_token(raw))


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_token_is_stored_only_as_its_hash(users):
    raw, token = issue(users.viewer)
    assert token.key_hash == hash_token(raw) and raw not in (token.key_hash, token.prefix)
    assert bearer(raw).get("/api/v1/services").status_code == 200


def test_an_expired_token_is_refused_saying_it_expired(users):
    raw, token = issue(users.viewer)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_on=yesterday)
    response = bearer(raw).get("/api/v1/services")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_works_to_the_end_of_its_expiry_day(users):
    raw, token = issue(users.viewer)
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate())
    assert bearer(raw).get("/api/v1/services").status_code == 200


def test_a_revoked_token_is_refused_saying_it_was_revoked(users):
    raw, token = issue(users.admin)
    services.revoke(token, by=users.admin, now=timezone.now())
    response = bearer(raw).get("/api/v1/services")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert bearer(raw).post("/api/v1/services", {}, "application/json").status_code == 401


def test_an_unknown_token_is_told_how_to_sign_in(db):
    response = bearer("osr_not-a-token").get("/api/v1/services")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_token_of_an_inactive_user_is_refused(users):
    raw, _ = issue(users.viewer)
    users.viewer.is_active = False
    users.viewer.save()
    assert bearer(raw).get("/api/v1/services").status_code == 401


def test_last_used_is_written_on_use_at_most_once_a_minute(users):
    raw, token = issue(users.viewer)
    assert token.last_used is None
    client = bearer(raw)
    client.get("/api/v1/services")
    token.refresh_from_db()
    first = token.last_used
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=30)

    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/services")
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]
    token.refresh_from_db()
    assert token.last_used == first

    a_while_ago = first - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used=a_while_ago)
    client.get("/api/v1/services")
    token.refresh_from_db()
    assert token.last_used > a_while_ago


@pytest.mark.parametrize("role", ["admin", "osr_manager", "delivery"])
def test_a_read_only_token_is_refused_every_write_whatever_the_role(users, role):
    DeliveryGroupFactory(slug="spare", name="Spare")
    raw, _ = issue(users.by_role(role), read_only=True)
    client = bearer(raw)
    assert client.get("/api/v1/services").status_code == 200
    new = {"name": "Flood alerts", "slug": "flood-alerts", "delivery_group": "farming"}
    writes = [
        client.post("/api/v1/services", new, "application/json"),
        client.patch("/api/v1/delivery-groups/spare", {"name": "X"}, "application/json"),
        client.put("/api/v1/review-boards/1/notes", {}, "application/json"),
        client.delete("/api/v1/delivery-groups/spare"),
        # Refused before the body is read, so nothing is learnt of the schema.
        client.post("/api/v1/services", "not json", "application/json"),
    ]
    for response in writes:
        assert response.status_code == 403, response.content
        assert "read-only" in response.json()["detail"]


def test_a_read_only_token_may_ask_for_a_pre_check_which_writes_nothing(users):
    from ..factories import ServiceFactory

    ServiceFactory(slug="waste-tracking", delivery_group=users.own, phase="alpha")
    raw, _ = issue(users.delivery, read_only=True)
    client = bearer(raw)
    answer = client.post("/api/v1/services/waste-tracking/precheck")
    assert answer.status_code == 200 and answer.json()["verdict"] in ("proceed", "normal", "stop")
    # Raising the change itself is a write: refused to the same token.
    change = {"summary": "Deploy 2.0"}
    refused = client.post("/api/v1/services/waste-tracking/changes", change, "application/json")
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]


def test_a_read_write_token_writes_as_its_holder_may(users):
    raw, _ = issue(users.admin)
    new = {"name": "Flood alerts", "slug": "flood-alerts", "delivery_group": "farming"}
    response = bearer(raw).post("/api/v1/services", new, "application/json")
    assert response.status_code == 201, response.content


def test_the_openapi_document_declares_the_bearer_scheme_on_every_operation(db):
    document = Client().get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    ((name, scheme),) = schemes.items()
    assert scheme == {"type": "http", "scheme": "bearer"}
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert operations and all(op.get("security") == [{name: []}] for op in operations)


def test_the_interactive_docs_are_served_from_osr_itself(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert Client().get(f"/static/ninja/{asset}").status_code == 200
