"""Evergreen contacts: a service's team confirms its owners and contacts every few months."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from osr.catalogue import contacts
from osr.catalogue.models import Service

from ..browsing import forms_of
from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waste(users):
    return ServiceFactory(name="Waste tracking", slug="waste", delivery_group=users.own)


def months_ago(months: int) -> dt.date:
    return contacts.months_before(timezone.localdate(), months)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 15), 6, dt.date(2025, 9, 15)),
        (dt.date(2024, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 10), -1, dt.date(2026, 2, 10)),
    ],
)
def test_months_count_as_a_calendar_does(day, months, expected):
    assert contacts.months_before(day, months) == expected


def test_a_service_never_confirmed_is_flagged_with_a_button(page, waste):
    body = page("delivery").get("/services/waste").content.decode()
    assert "Nobody has confirmed the owners and contacts of Waste tracking yet" in body
    assert "Confirm the contacts are right" in body
    # A viewer sees the flag but is not offered the button.
    body = page("viewer").get("/services/waste").content.decode()
    assert "Nobody has confirmed" in body and "Confirm the contacts are right" not in body


def test_the_team_confirms_from_the_button_as_shown(page, waste):
    client = page("delivery")
    shown = client.get("/services/waste").content.decode()
    (form,) = [f for f in forms_of(shown, "/services/waste") if "contacts/confirm" in f.action]
    response = client.post(form.action, form.as_post())
    assert response.status_code == 302
    waste.refresh_from_db()
    assert waste.contacts_confirmed_on == timezone.localdate()
    body = client.get("/services/waste").content.decode()
    assert "Nobody has confirmed" not in body
    assert "next due by" in body


def test_confirmation_falls_due_after_the_configured_months(page, waste, settings):
    settings.OSR_CONFIRM_MONTHS = 3
    Service.objects.filter(pk=waste.pk).update(contacts_confirmed_on=months_ago(4))
    body = page("viewer").get("/services/waste").content.decode()
    assert "were last confirmed on" in body and "every 3 months" in body
    Service.objects.filter(pk=waste.pk).update(contacts_confirmed_on=months_ago(2))
    assert "were last confirmed on" not in page("viewer").get("/services/waste").content.decode()
    due = contacts.unconfirmed(Service.objects.all(), timezone.localdate())
    assert list(due) == []


def test_another_groups_member_may_not_confirm(page, users):
    ServiceFactory(slug="theirs", delivery_group=users.other)
    assert page("delivery").post("/services/theirs/contacts/confirm").status_code == 403
    assert Service.objects.get(slug="theirs").contacts_confirmed_on is None


def test_changing_a_contact_on_the_form_confirms_them(page, waste):
    client = page("delivery")
    shown = client.get("/services/waste/edit").content.decode()
    (form,) = [f for f in forms_of(shown, "/services/waste/edit") if "_version" in f.names]
    data = form.as_post()
    data["support_contact_email"] = ["waste-support@defra.example"]
    assert client.post(form.action, data).status_code == 302
    waste.refresh_from_db()
    assert waste.contacts_confirmed_on == timezone.localdate()


def test_api_confirms_and_answers_when_next_due(api, waste, settings):
    settings.OSR_CONFIRM_MONTHS = 6
    response = api("delivery").post("/api/v1/services/waste/contacts/confirm")
    assert response.status_code == 200
    body = response.json()
    today = timezone.localdate()
    assert body["contacts_confirmed_on"] == today.isoformat()
    assert body["contacts_due_on"] == contacts.months_before(today, -6).isoformat()
    assert api("viewer").post("/api/v1/services/waste/contacts/confirm").status_code == 403


def test_cli_confirms_for_a_named_person(waste, capsys):
    call_command("services", "confirm-contacts", "waste", "--by", "delivery")
    assert "The contacts of Waste tracking are confirmed" in capsys.readouterr().out
    assert Service.objects.get(slug="waste").contacts_confirmed_on == timezone.localdate()
    with pytest.raises(CommandError, match="No user ‘nobody’"):
        call_command("services", "confirm-contacts", "waste", "--by", "nobody")


def test_a_retired_services_contacts_are_never_due(page, users):
    ServiceFactory(slug="old", name="Old service", delivery_group=users.own, phase="retired")
    body = page("delivery").get("/services/old").content.decode()
    assert "Nobody has confirmed" not in body
    assert not contacts.unconfirmed(Service.objects.all(), timezone.localdate()).exists()


def test_the_daily_job_reminds_the_team_once_a_month_while_due(
    waste, users, django_capture_on_commit_callbacks
):
    from django.core import mail

    from osr.catalogue.models import Team

    team = Team.objects.create(
        name="Waste team",
        slug="waste-team",
        delivery_group=users.own,
        contact_email="waste-team@defra.example",
    )
    Service.objects.filter(pk=waste.pk).update(delivery_team=team)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        counts = contacts.send_contact_reminders(today=today)
    assert counts["services"] == 1
    (message,) = mail.outbox
    assert message.subject == "Waste tracking: confirm its owners and contacts"
    assert "have never been confirmed" in message.body
    assert message.to == ["waste-team@defra.example"]
    # The same month, nobody is told twice; once confirmed, nobody is told at all.
    with django_capture_on_commit_callbacks(execute=True):
        contacts.send_contact_reminders(today=today)
    assert len(mail.outbox) == 1
    Service.objects.filter(pk=waste.pk).update(contacts_confirmed_on=today)
    assert contacts.send_contact_reminders(today=today)["services"] == 0
