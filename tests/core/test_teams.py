"""A delivery group's Microsoft Teams channel: an Adaptive Card posted to its incoming webhook."""

import pytest

from osr.catalogue.recipients import teams_channel
from osr.core import notify
from osr.core.notifications import delivery
from osr.core.notifications.choices import Channel, Kind, Status
from osr.core.notifications.models import Notification

from ..browsing import forms_of
from .fake_teams import FakeTeams, problem_with

pytestmark = pytest.mark.django_db


def test_the_fake_refuses_what_teams_would_refuse():
    assert problem_with({"type": "message", "attachments": []})
    assert problem_with({"type": "message", "attachments": [{"contentType": "text/html"}]})


def test_a_hand_off_is_posted_to_the_groups_channel_as_an_adaptive_card(users):
    with FakeTeams() as teams:
        # Stored as the edit form stores it; the fake listens on plain HTTP.
        users.own.teams_webhook_url = teams.url
        users.own.save()
        channel = teams_channel(users.own)
        assert channel is not None
        notify.send_email(
            [],
            "Flood warnings: LD-1 evidence awaits your verification",
            "Ana submitted evidence for LD-1.",
            Kind.EVIDENCE_SUBMITTED,
            link="https://osr.defra.example/services/flood/requirements/LD-1",
            teams=channel,
        )
        row = Notification.objects.get()
        assert (
            row.channel == Channel.TEAMS
            and row.recipient_name == "Farming and countryside Teams channel"
        )
        assert delivery.deliver_due() == {"sent": 1, "failed": 0}
    assert teams.refused == []
    (card,) = teams.cards
    assert card["version"] == "1.4"
    assert card["body"][0]["text"] == "Flood warnings: LD-1 evidence awaits your verification"
    assert card["body"][1]["text"] == "Ana submitted evidence for LD-1."
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open in OSR",
            "url": "https://osr.defra.example/services/flood/requirements/LD-1",
        }
    ]
    assert Notification.objects.get().status == Status.SENT


def test_a_throttled_webhook_is_retried_and_never_fails_the_change(users):
    with FakeTeams() as teams:
        teams.status = 429
        users.own.teams_webhook_url = teams.url
        users.own.save()
        notify.send_email([], "Subject", "Body", teams=teams_channel(users.own))
        assert delivery.deliver_due() == {"sent": 0, "failed": 1}
        row = Notification.objects.get()
        assert row.status == Status.PENDING and "429" in row.last_error
        teams.status = 200
        Notification.objects.update(next_attempt_at=row.created_at)
        assert delivery.deliver_due() == {"sent": 1, "failed": 0}
    assert len(teams.cards) == 1


def test_the_webhook_must_be_https_on_the_groups_edit_form(page, users):
    client = page("admin")
    address = f"/delivery-groups/{users.own.slug}/edit"
    forms = forms_of(client.get(address).content.decode(), address)
    (form,) = [form for form in forms if "teams_webhook_url" in form.names]

    def submitted(url: str):
        data = form.as_post() | {"teams_webhook_url": [url]}
        return client.post(form.action, data)

    response = submitted("http://defra.webhook.office.com/webhookb2/abc")
    assert response.status_code == 422
    assert "Enter the Teams channel webhook address starting https://" in response.content.decode()
    url = "https://defra.webhook.office.com/webhookb2/abc"
    assert submitted(url).status_code == 302
    users.own.refresh_from_db()
    assert users.own.teams_webhook_url == url


def test_the_webhook_address_is_written_through_the_api_but_never_read_back(api, users):
    group = users.own
    answer = api("admin").patch(
        f"/api/v1/delivery-groups/{group.slug}",
        {"teams_webhook_url": "https://defra.webhook.office.com/webhookb2/abc"},
    )
    assert answer.status_code == 200, answer.content
    assert "teams_webhook_url" not in answer.json()
    assert answer.json()["teams_channel"] is True
    group.refresh_from_db()
    assert group.teams_webhook_url == "https://defra.webhook.office.com/webhookb2/abc"
    read = api("viewer").get(f"/api/v1/delivery-groups/{group.slug}").json()
    assert "teams_webhook_url" not in read and read["teams_channel"] is True
    schema = api("viewer").get("/api/v1/openapi.json").json()
    assert (
        "teams_webhook_url" not in schema["components"]["schemas"]["DeliveryGroupOut"]["properties"]
    )
