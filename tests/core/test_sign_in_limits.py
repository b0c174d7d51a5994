"""Failed sign-ins are limited, sessions end, and every form needs its CSRF token."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from osr.core import sessions

pytestmark = pytest.mark.django_db

PASSWORD = "right-password"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def viewer(users):
    users.viewer.set_password(PASSWORD)
    users.viewer.save()
    return users.viewer


def attempt(username, password, address="192.0.2.10", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post("/sign-in", {"username": username, "password": password})
    return client, response


def test_five_failures_block_the_username_even_with_the_right_password(viewer):
    for _ in range(5):
        assert attempt("viewer", "wrong")[1].status_code == 422
    client, response = attempt("viewer", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Too many attempts to sign in: try again in 15 minutes" in body
    assert "<title>Error: Sign in" in body
    assert 800 < int(response["Retry-After"]) <= 900
    assert SESSION_KEY not in client.session


def test_a_strangers_failures_do_not_stop_the_owner_signing_in_elsewhere(viewer):
    """The limit is on the account and address together: a stranger cannot lock anyone out."""
    for _ in range(5):
        attempt("viewer", "wrong", address="192.0.2.10")
    assert attempt("VIEWER ", PASSWORD, address="192.0.2.10")[1].status_code == 429
    assert attempt("viewer", PASSWORD, address="198.51.100.7")[1].status_code == 302


def test_an_administrator_cannot_be_locked_out_by_a_stranger(users):
    users.admin.set_password(PASSWORD)
    users.admin.save()
    for _ in range(10):
        attempt("admin", "wrong", address="192.0.2.66")
    assert attempt("admin", PASSWORD, address="198.51.100.7")[1].status_code == 302


def distributed_failures(username: str, count: int) -> None:
    """Wrong passwords for one account, one from each of ``count`` addresses."""
    for n in range(count):
        assert attempt(username, "wrong", address=f"203.0.113.{n + 1}")[1].status_code == 422


class Clock:
    """time.time() standing still at the start of a minute until moved on."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(time, "time", clock)
    return clock


def test_the_per_account_ceiling_slows_a_distributed_guesser(viewer, settings, clock):
    settings.OSR_SIGN_IN_ACCOUNT_CEILING = 10
    settings.OSR_SIGN_IN_SLOWED_PER_MINUTE = 3
    distributed_failures("viewer", 10)
    # Past the ceiling, from addresses the account never signed in from: three a minute.
    for n in range(3):
        assert attempt("viewer", "wrong", address=f"198.18.0.{n + 1}")[1].status_code == 422
    _, response = attempt("viewer", PASSWORD, address="198.18.0.9")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    # Slowed, not locked: the next minute takes attempts again.
    clock.now += 60
    assert attempt("viewer", PASSWORD, address="198.18.0.9")[1].status_code == 302


def test_the_owner_is_not_slowed_from_an_address_they_signed_in_from(viewer, settings, clock):
    settings.OSR_SIGN_IN_ACCOUNT_CEILING = 10
    settings.OSR_SIGN_IN_SLOWED_PER_MINUTE = 1
    assert attempt("viewer", PASSWORD, address="198.51.100.7")[1].status_code == 302
    distributed_failures("viewer", 10)
    assert attempt("viewer", "wrong", address="198.18.0.1")[1].status_code == 422
    assert attempt("viewer", PASSWORD, address="198.18.0.2")[1].status_code == 429
    assert attempt("viewer", PASSWORD, address="198.51.100.7")[1].status_code == 302


def test_an_administrator_unlocks_an_account_from_the_command_line(viewer, settings, clock, capsys):
    settings.OSR_SIGN_IN_ACCOUNT_CEILING = 10
    settings.OSR_SIGN_IN_SLOWED_PER_MINUTE = 1
    for _ in range(5):
        attempt("viewer", "wrong")
    distributed_failures("viewer", 5)  # ten in all: the account is slowed
    attempt("viewer", "wrong", address="198.18.0.1")
    assert attempt("viewer", PASSWORD)[1].status_code == 429
    assert attempt("viewer", PASSWORD, address="198.18.0.2")[1].status_code == 429

    call_command("users", "unlock", "viewer")

    assert "viewer" in capsys.readouterr().out
    assert attempt("viewer", PASSWORD, address="198.18.0.2")[1].status_code == 302
    assert attempt("viewer", PASSWORD)[1].status_code == 302


def test_unlocking_an_unknown_account_is_an_error(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("users", "unlock", "nobody")


def test_an_administrator_unlocks_an_account_from_the_admin(viewer, page):
    for _ in range(5):
        attempt("viewer", "wrong")
    assert attempt("viewer", PASSWORD)[1].status_code == 429
    response = page("admin").post(
        "/admin/auth/user/",
        {"action": "lift_sign_in_limits", "_selected_action": [viewer.pk]},
    )
    assert response.status_code == 302
    assert attempt("viewer", PASSWORD)[1].status_code == 302


def test_failures_from_one_address_block_it_for_every_username(users, settings):
    settings.OSR_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ("a", "b", "c"):
        assert attempt(name, "wrong")[1].status_code == 422
    assert attempt("viewer", PASSWORD)[1].status_code == 429
    # Another address is not held back.
    users.viewer.set_password(PASSWORD)
    users.viewer.save()
    assert attempt("viewer", PASSWORD, address="198.51.100.7")[1].status_code == 302


def test_the_limit_lifts_when_the_window_ends(viewer, monkeypatch):
    for _ in range(5):
        attempt("viewer", "wrong")
    assert attempt("viewer", PASSWORD)[1].status_code == 429
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert attempt("viewer", PASSWORD)[1].status_code == 302


def test_a_successful_sign_in_clears_the_usernames_failures(viewer):
    for _ in range(4):
        attempt("viewer", "wrong")
    assert attempt("viewer", PASSWORD)[1].status_code == 302
    for _ in range(4):
        attempt("viewer", "wrong")
    assert attempt("viewer", PASSWORD)[1].status_code == 302


def test_a_client_cannot_dodge_the_address_limit_with_a_forged_forwarded_for(users, settings):
    settings.OSR_TRUSTED_PROXIES = 1
    settings.OSR_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 2
    for n, forged in enumerate(["10.0.0.1", "10.0.0.2"]):
        # The proxy appends the address it saw; the client wrote everything before it.
        headers = {"HTTP_X_FORWARDED_FOR": f"{forged}, 203.0.113.9"}
        assert attempt(f"user{n}", "wrong", address="10.1.1.1", **headers)[1].status_code == 422
    headers = {"HTTP_X_FORWARDED_FOR": "10.0.0.3, 203.0.113.9"}
    assert attempt("user9", "wrong", address="10.1.1.1", **headers)[1].status_code == 429
    # Another client behind the same proxy is not blocked.
    headers = {"HTTP_X_FORWARDED_FOR": "203.0.113.50"}
    assert attempt("user9", "wrong", address="10.1.1.1", **headers)[1].status_code == 422


def test_the_admin_site_signs_in_through_the_limited_sign_in_page(viewer):
    response = Client().get("/admin/login/?next=/admin/catalogue/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=%2Fadmin%2Fcatalogue%2F"


def test_a_signed_in_non_administrator_is_refused_at_the_admin_sign_in(page):
    assert page("viewer").get("/admin/login/?next=/admin/").status_code == 403


# Sessions.


def age_session(client: Client, **seconds_ago) -> None:
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_session_idle_too_long_is_signed_out_with_a_message(page, settings):
    settings.OSR_SESSION_IDLE_SECONDS = 1800
    client = page("viewer")
    assert client.get("/services").status_code == 200
    age_session(client, **{sessions.LAST_SEEN: 1801})
    response = client.get("/services")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["You were signed out after 30 minutes without activity. Sign in again."]
    assert SESSION_KEY not in client.session


def test_activity_keeps_a_session_going(page, settings):
    settings.OSR_SESSION_IDLE_SECONDS = 1800
    client = page("viewer")
    client.get("/services")
    age_session(client, **{sessions.LAST_SEEN: 1700})
    assert client.get("/services").status_code == 200
    assert time.time() - client.session[sessions.LAST_SEEN] < 5


def test_a_session_ends_at_its_maximum_age_however_active(page, settings):
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client = page("viewer")
    client.get("/services")
    age_session(client, **{sessions.SIGNED_IN_AT: 8 * 3600 + 1, sessions.LAST_SEEN: 10})
    assert client.get("/services").status_code == 302
    assert SESSION_KEY not in client.session


def test_signing_in_again_starts_the_clock_again(viewer):
    client, response = attempt("viewer", PASSWORD)
    assert response.status_code == 302
    assert time.time() - client.session[sessions.SIGNED_IN_AT] < 5


# CSRF.


def test_sign_in_and_sign_out_need_the_csrf_token(viewer):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in", {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 403
    client.force_login(viewer)
    assert client.post("/sign-out").status_code == 403
    assert SESSION_KEY in client.session


def test_a_page_form_without_the_csrf_token_is_refused(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.admin)
    response = client.post("/services/add", {"name": "Forged"})
    assert response.status_code == 403


def test_the_api_does_not_accept_a_session_cookie_instead_of_a_token(page):
    response = page("admin").post(
        "/api/v1/services", {"name": "Forged"}, content_type="application/json"
    )
    assert response.status_code == 401


def _views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_only_the_token_api_and_signed_webhooks_skip_csrf():
    exempt = {route for route, view in _views() if getattr(view, "csrf_exempt", False)}
    assert exempt, "the API's views are expected to be exempt"
    assert all(route.startswith(("api/v1/", "hooks/")) for route in exempt), exempt
