"""Setting "uses live data" makes LD-1 and LD-2 due at once and tells the OSR manager."""

import pytest
from django.core import mail
from django.utils import timezone

from osr.catalogue.models import Service
from osr.readiness.models import RequirementEvent

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flood(users):
    return ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own)


def test_turning_on_live_data_emails_the_groups_osr_manager(
    api, flood, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api("delivery").patch("/api/v1/services/flood", {"uses_live_data": True})
    assert response.status_code == 200, response.json()
    (message,) = mail.outbox
    assert message.to == [users.osr_manager.person.email]
    assert "Flood warnings now uses live data" in message.subject
    assert "LD-1" in message.body and "LD-2" in message.body
    assert "/services/flood/readiness" in message.body


def test_the_obligations_fall_due_at_once_in_any_phase(api, flood):
    api("delivery").patch("/api/v1/services/flood", {"uses_live_data": True})
    flood.refresh_from_db()
    assert flood.live_data_since == timezone.localdate()
    due = RequirementEvent.objects.filter(service=flood, kind="due")
    assert sorted(due.values_list("requirement_id", flat=True)) == ["LD-1", "LD-2"]
    body = api("viewer").get("/api/v1/services/flood/readiness").json()
    statuses = {r["id"]: r["status"] for r in body["requirements"]}
    assert statuses["LD-1"] == "not_started" and statuses["LD-2"] == "met"
    assert [b["id"] for b in body["blockers"]] == ["LD-1"]


def test_the_service_is_flagged_on_the_portfolio_until_met(api, page, flood):
    api("delivery").patch("/api/v1/services/flood", {"uses_live_data": True})
    row = api("viewer").get("/api/v1/readiness").json()["results"][0]
    assert row["live_data_flagged"]
    html = page("osr_manager").get("/readiness?show=live_data").content.decode()
    assert "Flood warnings" in html
    assert 'data-count="live_data">1<' in html


def test_nothing_is_sent_when_the_flag_does_not_change(
    api, flood, django_capture_on_commit_callbacks
):
    Service.objects.filter(pk=flood.pk).update(uses_live_data=True)
    with django_capture_on_commit_callbacks(execute=True):
        api("delivery").patch("/api/v1/services/flood", {"name": "Flood alerts"})
        api("delivery").patch("/api/v1/services/flood", {"uses_live_data": True})
    assert mail.outbox == []


def test_registering_a_service_that_uses_live_data_triggers_too(
    api, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api("delivery").post(
            "/api/v1/services",
            {"name": "Air", "slug": "air", "delivery_group": "farming", "uses_live_data": True},
        )
    assert response.status_code == 201, response.json()
    assert len(mail.outbox) == 1


def test_turning_it_off_and_on_again_triggers_again(flood, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for value in (True, False, True):
            flood.uses_live_data = value
            flood.save()
    assert len(mail.outbox) == 2


def test_a_group_without_an_osr_manager_gets_no_email(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ServiceFactory(delivery_group=users.other, uses_live_data=True)
    assert mail.outbox == []


def test_no_email_when_the_change_is_rolled_back(flood, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                flood.uses_live_data = True
                flood.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mail.outbox == []
