"""The one notification seam: mail goes after commit, to no blank address."""

import pytest
from django.core import mail

from osr.core import notify

pytestmark = pytest.mark.django_db


def test_mail_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify.send_email("osr@defra.example", "Subject", "Body")
        assert mail.outbox == []
    assert callbacks  # sending waits for the commit
    (message,) = mail.outbox
    assert message.to == ["osr@defra.example"] and message.subject == "Subject"


def test_no_mail_without_an_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify.send_email(["", " "], "Subject", "Body")
    assert callbacks == [] and mail.outbox == []
