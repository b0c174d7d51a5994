"""Sessions, page sign-in and messages run for pages; the API passes them by."""

from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from osr.catalogue.models import Service
from osr.core.models import ApiToken

pytestmark = pytest.mark.django_db


def _counting(cls):
    return mock.patch.object(cls, "__init__", autospec=True, side_effect=cls.__init__)


def test_an_api_answer_builds_no_session_and_no_messages(api, users):
    with _counting(SessionStore) as sessions, _counting(FallbackStorage) as messages:
        response = api("delivery").get("/api/v1/services")
    assert response.status_code == 200
    assert sessions.call_count == 0 and messages.call_count == 0
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")


def test_a_page_still_has_its_session_and_messages(page):
    with _counting(SessionStore) as sessions, _counting(FallbackStorage) as messages:
        response = page("delivery").get("/services")
    assert response.status_code == 200
    assert sessions.call_count >= 1 and messages.call_count == 1


def test_a_signed_in_browser_session_does_not_sign_in_to_the_api(page):
    browser = page("admin")
    assert browser.get("/services").status_code == 200
    answer = browser.get("/api/v1/services")
    assert answer.status_code == 401
    assert "Bearer" in answer.json()["detail"]


def test_an_api_write_needs_no_csrf_token_and_is_attributed_to_the_token(users):
    client = Client(enforce_csrf_checks=True)
    token = ApiToken.issue(users.delivery)
    made = client.post(
        "/api/v1/services",
        {"name": "Rural payments", "slug": "rural-payments", "delivery_group": "farming"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert made.status_code == 201, made.content
    entry = LogEntry.objects.get_for_object(Service.objects.get(slug="rural-payments")).get()
    assert entry.actor == users.delivery


def test_a_forged_page_post_is_still_refused(page):
    browser = page("delivery")
    browser.handler.enforce_csrf_checks = True
    assert browser.post("/services/add", {"name": "Forged"}).status_code == 403


def test_a_page_still_needs_sign_in_and_the_api_still_answers_401():
    anonymous = Client()
    assert anonymous.get("/services").status_code == 302
    assert anonymous.get("/api/v1/services").status_code == 401
