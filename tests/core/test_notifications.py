"""The outbox: written with the change, sent once by the worker, never lost, never twice."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import BadHeaderError, send_mail
from django.db import transaction
from django.utils import timezone

from osr.core import notify
from osr.core.notifications import delivery
from osr.core.notifications.choices import Frequency, Kind, Status
from osr.core.notifications.digest import send_digests
from osr.core.notifications.models import Notification
from osr.core.notifications.preferences import set_preferences

from .fake_smtp import FakeSmtp

pytestmark = pytest.mark.django_db


def test_a_notification_is_written_in_the_transaction_and_sent_after_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify.send_email(["a@defra.example", "b@defra.example"], "Subject", "Body")
        rows = list(Notification.objects.order_by("id").values_list("recipient", "status"))
        assert rows == [
            ("a@defra.example", Status.PENDING),
            ("b@defra.example", Status.PENDING),
        ]
        assert mail.outbox == []
    (message,) = mail.outbox  # one email to the message's recipients over SMTP
    assert message.to == ["a@defra.example", "b@defra.example"]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_rolled_back_change_writes_nothing_and_tells_nobody(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify.send_email("a@defra.example", "Subject", "Body", Kind.EVIDENCE_SUBMITTED)
        raise RuntimeError
    assert Notification.objects.count() == 0 and mail.outbox == [] and callbacks == []


def test_the_worker_sends_when_the_process_does_not(settings, django_capture_on_commit_callbacks):
    settings.OSR_NOTIFICATIONS_SEND_ON_COMMIT = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        notify.send_email("a@defra.example", "Subject", "Body")
    assert [m.to for m in mail.outbox] == [["a@defra.example"]]


def test_a_failing_mail_server_then_recovering_delivers_each_notification_once(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS = "127.0.0.1", False
    with FakeSmtp() as server:
        settings.EMAIL_PORT = server.port
        server.down = True
        with django_capture_on_commit_callbacks(execute=True):
            # The change commits although the mail server refuses it.
            notify.send_email("a@defra.example", "First", "Body", Kind.EVIDENCE_SUBMITTED)
            notify.send_email(["b@defra.example", "c@defra.example"], "Second", "Body")
        assert server.messages == [] and server.refused == 2
        first = Notification.objects.order_by("id").first()
        assert first.status == Status.PENDING and first.attempts == 1
        assert "SMTP" in first.last_error

        # Before the backoff has passed nothing is tried again; after it, again refused.
        now = timezone.now()
        assert delivery.deliver_due(now=now) == {"sent": 0, "failed": 0}
        later = now + dt.timedelta(minutes=1, seconds=1)
        assert delivery.deliver_due(now=later) == {"sent": 0, "failed": 3}
        assert Notification.objects.filter(attempts=2).count() == 3

        server.down = False
        much_later = later + dt.timedelta(minutes=3)
        assert delivery.deliver_due(now=much_later) == {"sent": 3, "failed": 0}
        # Nothing more to send, however often the worker looks.
        assert delivery.deliver_due(now=much_later + dt.timedelta(days=1)) == {
            "sent": 0,
            "failed": 0,
        }
    delivered = sorted((tuple(to), message["Subject"]) for to, message in server.messages)
    assert delivered == [
        (("a@defra.example",), "First"),
        (("b@defra.example", "c@defra.example"), "Second"),
    ]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_row_claimed_by_one_delivery_is_not_sent_by_another(django_capture_on_commit_callbacks):
    notify.send_email("a@defra.example", "Subject", "Body")
    row = Notification.objects.get()
    now = timezone.now()
    # A second worker looking while the first is sending finds nothing to claim.
    Notification.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_until=now + delivery.CLAIM
    )
    assert delivery.deliver_message([row.pk], now=now) == (None, 0)
    # A claim left by a worker that died lapses, and the row is sent.
    assert delivery.deliver_due(now=now + delivery.CLAIM + dt.timedelta(seconds=1))["sent"] == 1
    assert len(mail.outbox) == 1


def test_giving_up_after_the_last_attempt_and_trying_again_on_request(settings):
    settings.OSR_NOTIFICATIONS_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS = "127.0.0.1", False
    with FakeSmtp() as server:
        settings.EMAIL_PORT = server.port
        server.down = True
        notify.send_email("a@defra.example", "Subject", "Body")
        assert delivery.deliver_due() == {"sent": 0, "failed": 1}
        assert Notification.objects.get().status == Status.FAILED
        server.down = False
        assert delivery.retry_failed() == 1
        assert delivery.deliver_due()["sent"] == 1
    assert len(server.messages) == 1


def test_a_newline_in_a_subject_loses_no_notification(django_capture_on_commit_callbacks):
    name = "Flood\nwarnings\r\nBcc: someone@example.com"
    # What OSR did before the outbox: Django refuses the header and the mail was lost.
    with pytest.raises(BadHeaderError):
        send_mail(f"{name} now uses live data", "Body", None, ["a@defra.example"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify.send_email("a@defra.example", f"{name} now uses live data", "Body")
    (message,) = mail.outbox
    assert message.subject == "Flood warnings Bcc: someone@example.com now uses live data"
    assert message.to == ["a@defra.example"] and message.bcc == []
    assert Notification.objects.get().status == Status.SENT


def test_preferences_now_digest_and_off_are_honoured(users, django_capture_on_commit_callbacks):
    set_preferences(users.delivery, {Kind.EVIDENCE_REJECTED: Frequency.DIGEST})
    set_preferences(users.osr_manager, {Kind.EVIDENCE_REJECTED: Frequency.OFF})
    everyone = [
        users.delivery.person.email,  # digest, found by their person's address
        users.osr_manager.email,  # off, found by their account's address
        users.viewer.email,  # never chose: now
        "shared-inbox@defra.example",  # nobody's: now
    ]
    with django_capture_on_commit_callbacks(execute=True):
        notify.send_email(everyone, "Rejected", "Body", Kind.EVIDENCE_REJECTED)
        notify.send_email(everyone, "Other", "Body")  # another kind: everyone, now
    assert [m.to for m in mail.outbox] == [
        [users.viewer.email, "shared-inbox@defra.example"],
        everyone,
    ]
    held = Notification.objects.get(digest=True)
    assert held.recipient == users.delivery.person.email and held.status == Status.PENDING
    assert not Notification.objects.filter(
        recipient=users.osr_manager.email, kind="evidence_rejected"
    )


def test_the_daily_digest_gathers_a_persons_held_notifications_into_one_email(users):
    set_preferences(users.delivery, {kind: Frequency.DIGEST for kind in Kind.values})
    address = users.delivery.person.email
    notify.send_email(address, "Evidence rejected for LD-1", "Redo it", Kind.EVIDENCE_REJECTED)
    notify.send_email(address, "Action due", "Close it", Kind.ACTION_DUE, link="https://osr/a/1")
    assert delivery.deliver_due() == {"sent": 0, "failed": 0}  # held for the digest

    today = timezone.localdate()
    assert send_digests(today=today) == {"sent": 1, "failed": 0}
    (digest,) = mail.outbox
    assert digest.to == [address] and digest.subject == "OSR daily digest: 2 notifications"
    assert "Evidence rejected for LD-1" in digest.body and "https://osr/a/1" in digest.body
    assert send_digests(today=today) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1


def test_a_topic_is_told_once(django_capture_on_commit_callbacks):
    for _ in range(2):
        written = notify.send_email(
            "a@defra.example", "Waiver expiring", "Body", Kind.WAIVER_EXPIRING, topic="w:1"
        )
    assert written == 0 and Notification.objects.count() == 1


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        notify.send_email("a@defra.example", "Subject", "Body", "no_such_kind")


def test_gov_uk_notify_is_used_with_the_kinds_template(settings, monkeypatch):
    sent = []

    class FakeNotify:
        def __init__(self, key):
            self.key = key

        def send_email_notification(self, **kwargs):
            sent.append((self.key, kwargs))

    import notifications_python_client.notifications as client

    monkeypatch.setattr(client, "NotificationsAPIClient", FakeNotify)
    settings.OSR_NOTIFY_API_KEY = "test-key"
    settings.OSR_NOTIFY_TEMPLATE_ID = "template-default"
    settings.OSR_NOTIFY_TEMPLATES = {"evidence_rejected": "template-rejected"}
    notify.send_email(
        ["a@defra.example", "b@defra.example"], "Rejected", "Why", "evidence_rejected"
    )
    notify.send_email("c@defra.example", "Other", "Body")
    assert delivery.deliver_due() == {"sent": 3, "failed": 0}
    assert [(key, k["email_address"], k["template_id"]) for key, k in sent] == [
        ("test-key", "a@defra.example", "template-rejected"),
        ("test-key", "b@defra.example", "template-rejected"),
        ("test-key", "c@defra.example", "template-default"),
    ]
    assert sent[0][1]["personalisation"] == {"subject": "Rejected", "body": "Why"}
    assert mail.outbox == []
