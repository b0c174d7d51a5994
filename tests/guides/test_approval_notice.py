"""A new version of a guide goes to its approvers: the group's two managers."""

import pytest
from django.core import mail
from django.utils import timezone

from osr.core.notifications.choices import Kind
from osr.core.notifications.models import Notification
from osr.core.roles import assign_role
from osr.guides import services

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_approvers_are_told_a_version_awaits_them(users, django_capture_on_commit_callbacks):
    service = ServiceFactory(name="Pay farmers", slug="pay", delivery_group=users.own)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.generate_version(service, by=users.delivery, today=timezone.localdate())
    (message,) = mail.outbox
    assert sorted(message.to) == sorted(
        [users.live_services_manager.person.email, users.osr_manager.person.email]
    )
    assert message.subject == "Pay farmers: version 1 of the operations guide awaits approval"
    assert f"/services/pay/operations-guide/versions/{version.number}" in message.body
    assert set(Notification.objects.values_list("kind", flat=True)) == {
        Kind.GUIDE_AWAITING_APPROVAL
    }


def test_a_manager_no_longer_in_the_role_is_not_asked(users, django_capture_on_commit_callbacks):
    assign_role(users.osr_manager, "viewer")
    users.osr_manager.save()
    service = ServiceFactory(delivery_group=users.own)
    with django_capture_on_commit_callbacks(execute=True):
        services.generate_version(service, by=users.delivery, today=timezone.localdate())
    (message,) = mail.outbox
    assert message.to == [users.live_services_manager.person.email]
