"""People choose how often they hear of each kind; administrators see the outbox."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from osr.core import notify
from osr.core.notifications.choices import Frequency, Kind, Status
from osr.core.notifications.models import Notification
from osr.core.notifications.preferences import preferences_of

from ..browsing import forms_of

pytestmark = pytest.mark.django_db

PAGE = "/account/notifications"


def settings_form(client):
    html = client.get(PAGE).content.decode()
    (form,) = [form for form in forms_of(html, PAGE) if Kind.EVIDENCE_SUBMITTED in form.names]
    return form


def test_the_header_links_to_the_persons_account_and_it_to_notification_settings(page):
    client = page("delivery")
    html = client.get("/readiness").content.decode()
    assert 'href="/account"' in html and "your account" in html
    assert f'href="{PAGE}"' in client.get("/account").content.decode()


def test_every_kind_starts_as_it_happens_and_the_page_saves_as_rendered(page, users):
    client = page("delivery")
    form = settings_form(client)
    assert all(form.value(kind) == Frequency.NOW for kind in Kind.values)
    response = client.post(PAGE, form.as_post())
    assert response.status_code == 302 and response["Location"] == PAGE
    assert preferences_of(users.delivery) == {kind: Frequency.NOW for kind in Kind.values}


def test_choosing_a_digest_and_off_on_the_page(page, users):
    client = page("delivery")
    data = settings_form(client).as_post()
    data[Kind.EVIDENCE_REJECTED] = [Frequency.DIGEST]
    data[Kind.ACTION_DUE] = [Frequency.OFF]
    response = client.post(PAGE, data, follow=True)
    assert "Your notification settings have been saved" in response.content.decode()
    chosen = preferences_of(users.delivery)
    assert chosen[Kind.EVIDENCE_REJECTED] == Frequency.DIGEST
    assert chosen[Kind.ACTION_DUE] == Frequency.OFF
    assert settings_form(client).value(Kind.EVIDENCE_REJECTED) == Frequency.DIGEST
    # Another person's settings are their own.
    assert preferences_of(users.viewer)[Kind.EVIDENCE_REJECTED] == Frequency.NOW


def test_a_bad_choice_comes_back_with_an_error_summary(page, users):
    client = page("delivery")
    data = settings_form(client).as_post()
    data[Kind.EVIDENCE_REJECTED] = ["weekly"]
    response = client.post(PAGE, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in html
    assert "Choose how often you hear of ‘Evidence rejected’" in html
    assert preferences_of(users.delivery)[Kind.EVIDENCE_REJECTED] == Frequency.NOW


def test_the_api_reads_and_changes_ones_own_settings(api, users):
    client = api("delivery")
    answer = client.get("/api/v1/me/notifications").json()
    assert answer == {"preferences": {kind: "now" for kind in Kind.values}}
    response = client.client.put(
        "/api/v1/me/notifications",
        {"preferences": {"evidence_rejected": "digest", "guide_awaiting_approval": "off"}},
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 200, response.json()
    chosen = response.json()["preferences"]
    assert chosen["evidence_rejected"] == "digest" and chosen["guide_awaiting_approval"] == "off"
    assert chosen["evidence_submitted"] == "now"


def test_the_api_refuses_unknown_kinds_and_frequencies_with_422(api, users):
    client = api("delivery")
    response = client.client.put(
        "/api/v1/me/notifications",
        {"preferences": {"evidence_rejected": "weekly", "gossip": "now"}},
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"evidence_rejected", "gossip"}
    assert preferences_of(users.delivery)[Kind.EVIDENCE_REJECTED] == Frequency.NOW
    assert api().get("/api/v1/me/notifications").status_code == 401


def test_the_outbox_page_is_for_administrators_and_filters_by_status(page, users):
    notify.send_email("sent@defra.example", "Sent one", "Body")
    notify.send_email("waiting@defra.example", "Waiting one", "Body", Kind.EVIDENCE_SUBMITTED)
    Notification.objects.filter(recipient="sent@defra.example").update(status=Status.SENT)
    Notification.objects.filter(recipient="waiting@defra.example").update(
        attempts=2, last_error="SMTPConnectError: 421"
    )
    assert page("osr_manager").get("/notifications/outbox").status_code == 403
    client = page("admin")
    assert "/notifications/outbox" in client.get("/").content.decode()  # the footer's link
    html = client.get("/notifications/outbox").content.decode()
    assert "Sent one" in html and "Waiting one" in html and "SMTPConnectError: 421" in html
    html = client.get("/notifications/outbox?status=pending").content.decode()
    assert "Waiting one" in html and "Sent one" not in html
    assert "Evidence submitted for verification" in html


def test_the_command_sends_what_is_due_and_lists_the_outbox(capsys):
    notify.send_email("a@defra.example", "Subject one", "Body", Kind.ACTION_OVERDUE)
    call_command("notifications", "send")
    assert capsys.readouterr().out.strip() == "Notifications sent: 1, failed: 0"
    call_command("notifications", "list", "--status", "sent")
    out = capsys.readouterr().out
    assert "action_overdue" in out and "a@defra.example" in out and "Subject one" in out
    with pytest.raises(CommandError, match="--status 'lost': choose from"):
        call_command("notifications", "list", "--status", "lost")
