"""The one notification seam: mail goes after commit, by Notify when a key is set."""

import pytest
from django.core import mail
from django.db import transaction

from osr.core import notify

pytestmark = pytest.mark.django_db


def test_mail_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify.send_email("osr@defra.example", "Subject", "Body")
        assert mail.outbox == []
    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert message.to == ["osr@defra.example"] and message.subject == "Subject"


def test_no_mail_without_an_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify.send_email(["", " "], "Subject", "Body")
    assert callbacks == [] and mail.outbox == []


def test_no_mail_when_rolled_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify.send_email("osr@defra.example", "Subject", "Body")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == []


def test_gov_uk_notify_is_used_when_a_key_is_set(settings, monkeypatch):
    sent = []

    class FakeNotify:
        def __init__(self, key):
            self.key = key

        def send_email_notification(self, **kwargs):
            sent.append((self.key, kwargs))

    import notifications_python_client.notifications as client

    monkeypatch.setattr(client, "NotificationsAPIClient", FakeNotify)
    settings.OSR_NOTIFY_API_KEY = "test-key"
    settings.OSR_NOTIFY_TEMPLATE_ID = "template-1"
    notify.deliver(["a@defra.example"], "Subject", "Body")
    assert sent == [
        (
            "test-key",
            {
                "email_address": "a@defra.example",
                "template_id": "template-1",
                "personalisation": {"subject": "Subject", "body": "Body"},
            },
        )
    ]
    assert mail.outbox == []
