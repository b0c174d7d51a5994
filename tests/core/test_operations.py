"""Probes, security headers and request ids, as the platform and a browser see them."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_health_probes_answer_without_sign_in():
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}


def test_every_page_has_a_strict_content_security_policy(page, users):
    response = page("viewer").get("/services")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    # GOV.UK Frontend's inline script runs only because it carries the nonce.
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_nonce_differs_between_requests(page, users):
    client = page("viewer")
    first = client.get("/services")["Content-Security-Policy"]
    second = client.get("/services")["Content-Security-Policy"]
    assert first != second


def test_request_id_is_kept_from_the_caller_or_made_up(api, users):
    client = api("viewer")
    given = client.client.get(
        "/api/v1/services", headers={**client.headers, "X-Request-ID": "incident-42"}
    )
    assert given["X-Request-ID"] == "incident-42"
    made_up = client.get("/api/v1/services")
    assert re.fullmatch(r"[0-9a-f]{32}", made_up["X-Request-ID"])
    unsafe = client.client.get(
        "/api/v1/services", headers={**client.headers, "X-Request-ID": "<script>"}
    )
    assert unsafe["X-Request-ID"] != "<script>"


def test_text_with_a_nul_character_is_refused_before_the_database(api, page, users):
    response = api("admin").post(
        "/api/v1/services", {"name": "x", "slug": "x", "delivery_group": "far\x00ming"}
    )
    assert response.status_code == 422
    assert "NUL" in response.json()["errors"]["__all__"][0]
    assert api("viewer").get("/api/v1/services", q="a\x00b").status_code == 422
    assert page("delivery").post("/services/add", {"delivery_group": "a\x00"}).status_code == 400
