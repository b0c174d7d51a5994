"""The API token pages: the account page, issuing a token as the form is shown, revoking."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from osr.core.models import ApiToken, hash_token

from ..browsing import forms_of

pytestmark = pytest.mark.django_db

NEW = "/account/tokens/new"


def new_token_form(client: Client):
    (form,) = [f for f in forms_of(client.get(NEW).content.decode(), NEW) if "name" in f.names]
    return form


def create(client: Client, **changes):
    form = new_token_form(client)
    data = form.as_post() | {name: [value] for name, value in changes.items()}
    return client.post(form.action, data)


def raw_token_in(html: str) -> str:
    (value,) = [
        f.value("new-token")
        for f in forms_of(f"<form method=post>{html}</form>", "/")
        if f.value("new-token")
    ]
    return value


def test_the_header_name_leads_to_the_account_page_and_it_to_the_tokens(page):
    client = page("delivery")
    assert 'href="/account"' in client.get("/").content.decode()
    html = client.get("/account").content.decode()
    assert 'href="/account/notifications"' in html and 'href="/account/tokens"' in html
    assert "/administration/api-tokens" not in html
    assert 'href="/administration/api-tokens"' in page("admin").get("/account").content.decode()


def test_the_form_offers_read_only_and_ninety_days_and_creates_a_token_shown_once(page, users):
    client = page("delivery")
    form = new_token_form(client)
    in_90_days = timezone.localdate() + dt.timedelta(days=90)
    assert form.value("access") == "read_only"
    assert (form.value("expires_on-day"), form.value("expires_on-month")) == (
        str(in_90_days.day),
        str(in_90_days.month),
    )
    assert form.value("expires_on-year") == str(in_90_days.year)

    response = create(client, name="Deployment pipeline")
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    raw = raw_token_in(html)
    assert 'data-copy="new-token"' in html  # the copy button, shown where its script runs
    token = ApiToken.objects.get(user=users.delivery)
    assert (token.name, token.read_only, token.expires_on) == (
        "Deployment pipeline",
        True,
        in_90_days,
    )
    assert token.key_hash == hash_token(raw)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/services").status_code == 200

    listing = client.get("/account/tokens").content.decode()
    assert "Deployment pipeline" in listing and raw not in listing
    assert "Read only" in listing and f"/account/tokens/{token.pk}/revoke" in listing


def test_a_read_write_token_is_chosen_on_the_form(page, users):
    create(page("delivery"), name="Sync", access="read_write")
    assert ApiToken.objects.get(user=users.delivery).read_only is False


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Enter a name for the token"),
        ({"expires_on-year": "2001"}, "The expiry date must be in the future"),
        ({"expires_on-year": str(dt.date.today().year + 2)}, "no more than 365 days away"),
        ({"expires_on-day": "31", "expires_on-month": "2"}, "Enter a real date"),
    ],
)
def test_the_form_refuses_a_missing_name_and_an_expiry_out_of_range(page, changes, message):
    response = create(page("delivery"), **({"name": "Pipeline"} | changes))
    assert response.status_code == 422
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_refuses_the_token(page, users):
    client = page("delivery")
    raw = raw_token_in(create(client, name="Pipeline").content.decode())
    token = ApiToken.objects.get()
    revoke = f"/account/tokens/{token.pk}/revoke"
    confirm = client.get(revoke).content.decode()
    assert "Revoke the token ‘Pipeline’?" in confirm
    (form,) = [f for f in forms_of(confirm, revoke) if f.action.endswith(revoke)]
    response = client.post(form.action, form.as_post())
    assert response.status_code == 302 and response["Location"] == "/account/tokens"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert revoke not in client.get("/account/tokens").content.decode()
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/services").status_code == 401
    assert token.revoked_by == users.delivery


def test_no_one_else_may_revoke_a_persons_token(page, users):
    ApiToken.issue(users.delivery, name="Mine")
    token = ApiToken.objects.get()
    for role in ("viewer", "osr_manager"):
        assert page(role).get(f"/account/tokens/{token.pk}/revoke").status_code == 403
        assert page(role).post(f"/account/tokens/{token.pk}/revoke").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_administrator_sees_and_revokes_anyones_tokens(page, users):
    ApiToken.issue(users.delivery, name="Delivery pipeline")
    ApiToken.issue(users.viewer, name="Dashboard")
    token = ApiToken.objects.get(name="Delivery pipeline")
    admin = page("admin")
    html = admin.get("/administration/api-tokens").content.decode()
    assert "Delivery pipeline" in html and "Dashboard" in html
    assert f"/account/tokens/{token.pk}/revoke" in html
    response = admin.post(f"/account/tokens/{token.pk}/revoke")
    assert response["Location"] == "/administration/api-tokens"
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == users.admin
    listing = admin.get("/administration/api-tokens").content.decode()
    assert f"/account/tokens/{token.pk}/revoke" not in listing and "Dashboard" in listing


def test_only_administrators_see_everyones_tokens(page):
    assert page("osr_manager").get("/administration/api-tokens").status_code == 403
