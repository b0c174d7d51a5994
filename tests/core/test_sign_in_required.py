"""Which views answer without sign-in, and what everyone else is sent to."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Open to anyone: the start page, the sign-in pages, the platform's probes and
# scraper, and the webhooks, API and admin site, which check their callers themselves.
PUBLIC_ROUTES = {
    "",
    "sign-in",
    "oidc/authenticate/",
    "oidc/callback/",
    "admin/login/",
    "healthz",
    "readyz",
    "metrics",
    "hooks/<str:host>/<uuid:public_id>",
}
PUBLIC_PREFIXES = ("api/v1/", "admin/")


def _views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def is_public(view) -> bool:
    return not getattr(view, "login_required", True)


def test_only_the_expected_views_answer_without_sign_in():
    views = list(_views())
    public = {route for route, view in views if is_public(view)}
    assert public >= PUBLIC_ROUTES
    unexpected = {
        route for route in public - PUBLIC_ROUTES if not route.startswith(PUBLIC_PREFIXES)
    }
    assert not unexpected
    for route, view in views:
        if route.startswith(PUBLIC_PREFIXES):
            assert is_public(view), route


def test_a_page_sends_a_visitor_to_sign_in_and_back(users):
    response = Client().get("/services?phase=live&q=flood")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=/services%3Fphase%3Dlive%26q%3Dflood"


def test_a_form_posted_without_sign_in_or_csrf_token_is_sent_to_sign_in(users):
    response = Client(enforce_csrf_checks=True).post("/services/add", {"name": "Forged"})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=/services/add"


def test_signing_out_without_a_sign_in_is_sent_to_sign_in(users):
    response = Client().post("/sign-out")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=/sign-out"


def test_public_pages_answer_without_sign_in(users):
    client = Client()
    assert client.get("/").status_code == 200
    assert client.get("/sign-in").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_metrics_keep_their_own_token_check(users, settings):
    settings.OSR_METRICS_TOKEN = "scrape-token"
    assert Client().get("/metrics").status_code == 403
    given = {"Authorization": "Bearer scrape-token"}
    assert Client().get("/metrics", headers=given).status_code == 200


def test_the_api_answers_401_json_rather_than_sending_to_sign_in(users):
    response = Client().get("/api/v1/services")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    wrong = Client().get("/api/v1/services", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert Client().get("/api/v1/docs").status_code == 200


def test_a_webhook_is_answered_without_sign_in(users):
    response = Client().post(
        "/hooks/github/00000000-0000-4000-8000-000000000000",
        b"{}",
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No such webhook"}


def test_the_admin_site_sends_a_visitor_to_its_own_sign_in(users):
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_security_headers_from_django_settings_and_our_own(page, users):
    response = page("viewer").get("/services")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert "'nonce-" in response["Content-Security-Policy"]
    # Anonymous answers carry them too.
    redirect = Client().get("/services")
    assert redirect["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in redirect
    assert "Permissions-Policy" in redirect


def test_an_address_that_leads_nowhere_is_not_found_for_anyone(users):
    # Sign-in guards views: an address that matches none is answered at once.
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
