"""Evidence hand-offs: the OSR manager hears of submissions, the team of reviews and expiries."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from osr.core.notifications.choices import Kind, Status
from osr.core.notifications.models import Notification
from osr.readiness.engine import add_months
from osr.readiness.notices import send_expiry_warnings

from ..factories import ServiceFactory
from .factories import EvidenceFactory, WaiverFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flood(users):
    return ServiceFactory(
        slug="flood",
        name="Flood warnings",
        delivery_group=users.own,
        support_contact_email="flood-team@defra.example",
    )


def told(subject_part: str):
    return [m for m in mail.outbox if subject_part in m.subject]


def submit(api):
    response = api("delivery").post(
        "/api/v1/services/flood/evidence", {"requirement": "AS-1", "attestation": "Written up"}
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_the_groups_osr_manager_is_told_of_evidence_to_verify(
    api, flood, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(api)
    (message,) = mail.outbox
    assert message.to == [users.osr_manager.person.email]
    assert message.subject == "Flood warnings: AS-1 evidence awaits your verification"
    assert reverse("readiness:requirement", args=["flood", "AS-1"]) in message.body
    assert Notification.objects.get().kind == Kind.EVIDENCE_SUBMITTED


def test_a_rejection_tells_the_submitter_and_the_team_the_reason(
    api, flood, users, django_capture_on_commit_callbacks
):
    evidence_id = submit(api)
    with django_capture_on_commit_callbacks(execute=True):
        response = api("osr_manager").post(
            f"/api/v1/evidence/{evidence_id}/reject", {"reason": "The pack is out of date"}
        )
    assert response.status_code == 200, response.json()
    (message,) = told("rejected")
    assert message.to == [users.delivery.person.email, "flood-team@defra.example"]
    assert message.subject == "Flood warnings: AS-1 evidence rejected"
    assert "The reason: The pack is out of date" in message.body
    assert set(
        Notification.objects.filter(kind=Kind.EVIDENCE_REJECTED).values_list("recipient", flat=True)
    ) == {users.delivery.person.email, "flood-team@defra.example"}


def test_a_verification_tells_the_team(api, flood, users, django_capture_on_commit_callbacks):
    evidence_id = submit(api)
    with django_capture_on_commit_callbacks(execute=True):
        api("osr_manager").post(f"/api/v1/evidence/{evidence_id}/verify", {"note": "Fine"})
    (message,) = told("verified")
    assert message.subject == "Flood warnings: AS-1 evidence verified"
    assert Notification.objects.filter(kind=Kind.EVIDENCE_VERIFIED).count() == 2


def test_a_failing_mail_server_never_fails_the_submission(api, flood, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        submit(api)
    row = Notification.objects.get()
    assert row.status == Status.PENDING and row.attempts == 1 and row.last_error


def test_the_team_is_warned_of_expiring_and_expired_evidence_and_waivers_once(
    users, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    service = ServiceFactory(
        name="Flood warnings",
        delivery_group=users.own,
        uses_live_data=True,
        support_contact_email="flood-team@defra.example",
    )
    # LD-1 evidence is valid for 12 months from its pack's date: this lapses in 20 days.
    EvidenceFactory(
        service=service,
        requirement_id="LD-1",
        status="verified",
        pack_date=add_months(today, -12) + dt.timedelta(days=20),
        reviewed_at=timezone.now(),
    )
    WaiverFactory(service=service, requirement_id="AS-5", expires_on=today + dt.timedelta(days=5))
    lapsed = ServiceFactory(
        name="Old warnings",
        delivery_group=users.own,
        uses_live_data=True,
        support_contact_email="old-team@defra.example",
    )
    EvidenceFactory(
        service=lapsed,
        requirement_id="LD-1",
        status="verified",
        pack_date=add_months(today - dt.timedelta(days=2), -12),
        reviewed_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = send_expiry_warnings(today=today)
    assert counts == {"expiring": 2, "expired": 1, "notifications": 3}
    subjects = sorted(m.subject for m in told(" expire"))
    expires = add_months(add_months(today, -12) + dt.timedelta(days=20), 12)
    assert subjects == sorted(
        [
            f"Flood warnings: LD-1 verified evidence expires on {expires.day} {expires:%B %Y}",
            "Flood warnings: AS-5 waiver expires on "
            f"{(today + dt.timedelta(days=5)).day} {today + dt.timedelta(days=5):%B %Y}",
            "Old warnings: LD-1 verified evidence expired on "
            f"{(today - dt.timedelta(days=2)).day} {today - dt.timedelta(days=2):%B %Y}",
        ]
    )
    assert {tuple(m.to) for m in told(" expire")} == {
        ("flood-team@defra.example",),
        ("old-team@defra.example",),
    }
    # The next day's check finds the same expiries and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        again = send_expiry_warnings(today=today + dt.timedelta(days=1))
    assert again["notifications"] == 0 and len(told(" expire")) == 3
