"""What every request pays: the token lookup, the readiness probe, headers and log lines."""

import datetime as dt
import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.core import health
from osr.core.logging import request_id
from osr.core.models import ApiToken, hash_token
from osr.core.tokens import lookup, services

pytestmark = pytest.mark.django_db


def field_values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_the_token_lookup_builds_what_the_orm_builds(users):
    raw = ApiToken.issue(users.delivery, name="Pipeline", expires_on=dt.date(2030, 1, 31))
    ApiToken.objects.filter(user=users.delivery).update(
        last_used=timezone.now(), revoked_at=timezone.now(), read_only=True
    )
    users.delivery.last_login = timezone.now()
    users.delivery.save(update_fields=["last_login"])
    expected = ApiToken.objects.select_related("user").get(key_hash=hash_token(raw))

    with CaptureQueriesContext(connection) as queries:
        token = lookup.find(hash_token(raw))
        assert token is not None
        assert field_values(token) == field_values(expected)
        # The holder comes with the token: reading it asks nothing more.
        assert field_values(token.user) == field_values(expected.user)
    assert len(queries) == 1
    assert token._state.adding is False and token._state.db == "default"
    assert isinstance(token.last_used, dt.datetime) and token.last_used.tzinfo is not None
    assert isinstance(token.expires_on, dt.date) and token.read_only is True


def test_an_unknown_token_is_found_by_one_query_as_nothing(users):
    with CaptureQueriesContext(connection) as queries:
        assert lookup.find(hash_token("osr_not-a-token")) is None
    assert len(queries) == 1


@pytest.mark.parametrize("tokens_held", [1, 6])
def test_a_bearer_check_is_one_query_however_many_tokens_exist(users, tokens_held):
    raws = [ApiToken.issue(users.viewer, name=f"t{n}") for n in range(tokens_held)]
    ApiToken.objects.update(last_used=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        token, refusal = services.check(raws[-1], now=timezone.now())
        assert token is not None and refusal is None and token.user.username == "viewer"
    assert len(queries) == 1


@pytest.fixture
def fresh_process(monkeypatch):
    """The readiness probe as a process just started sees it: migrations not yet checked."""
    monkeypatch.setattr(health, "_migrated", False)


def test_readiness_reads_the_migrations_until_they_are_all_applied(fresh_process, monkeypatch):
    monkeypatch.setattr(health, "pending_migrations", lambda: 2)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "2 migrations not applied"}
    monkeypatch.setattr(health, "pending_migrations", lambda: 0)
    assert Client().get("/readyz").json() == {"status": "ok"}


def test_once_ready_the_probe_asks_the_database_only_whether_it_answers(fresh_process, monkeypatch):
    assert Client().get("/readyz").status_code == 200

    def unread():
        raise AssertionError("the migrations are read again")

    monkeypatch.setattr(health, "pending_migrations", unread)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/readyz").json() == {"status": "ok"}
    assert [q["sql"] for q in queries] == ["SELECT 1"]


def test_a_probe_that_cannot_reach_the_database_is_unavailable(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("no database")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["reason"] == "ConnectionError"


def test_a_not_modified_answer_keeps_the_request_id_and_security_headers(api, users):
    client = api("viewer")
    first = client.get("/api/v1/services")
    assert first.status_code == 200 and first["ETag"]
    again = client.client.get(
        "/api/v1/services",
        headers={**client.headers, "If-None-Match": first["ETag"], "X-Request-ID": "trace-304"},
    )
    assert again.status_code == 304
    assert again["X-Request-ID"] == "trace-304"
    assert again["ETag"] == first["ETag"]
    assert "frame-ancestors 'none'" in again["Content-Security-Policy"]
    assert again["X-Content-Type-Options"] == "nosniff"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def emit(self, record):
        self.ids.append(request_id.get())


def test_django_s_line_for_an_error_answer_carries_the_request_id(api, users):
    handler = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = api().client.get("/api/v1/services", headers={"X-Request-ID": "trace-401"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 401
    assert handler.ids == ["trace-401"]
    # Once the answer is sent, what is logged belongs to no request.
    assert request_id.get() == ""
