"""Actions are tracked to closure, with reminders before and after they fall due."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from osr.core.refusals import Refusal
from osr.reviews import services
from osr.reviews.models import Action

from ..factories import PersonFactory, ServiceFactory
from .factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_an_open_action_is_closed_once(users, owner):
    action = ActionFactory(owner=owner, service=ServiceFactory(delivery_group=users.own))
    services.close_action(action, by=users.osr_manager, note="Alerts are in place")
    action.refresh_from_db()
    assert action.status == "closed" and action.closing_note == "Alerts are in place"
    assert action.closed_by == users.osr_manager and action.closed_at is not None
    with pytest.raises(Refusal, match="already closed") as refused:
        services.close_action(action, by=users.osr_manager)
    assert refused.value.status == 409


def test_the_owner_and_the_groups_managers_may_close_an_action(users):
    owner_user = users.delivery
    action = ActionFactory(
        owner=owner_user.person, service=ServiceFactory(delivery_group=users.own)
    )
    for role in ["delivery", "osr_manager", "live_services_manager", "admin"]:
        assert users.by_role(role).has_perm("reviews.close_action", action), role
    for role in ["viewer", "outsider"]:
        assert not users.by_role(role).has_perm("reviews.close_action", action), role


def reminders(today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.send_action_reminders(today=today)


def test_owners_are_reminded_in_the_week_before_and_weekly_once_overdue(
    users, today, django_capture_on_commit_callbacks
):
    owner = PersonFactory(name="Olu Owner", email="olu@defra.example")
    service = ServiceFactory(name="Waste permits", delivery_group=users.own)
    due = today + dt.timedelta(days=5)
    action = ActionFactory(owner=owner, service=service, due_on=due, description="Add alerting")
    ActionFactory(owner=owner, service=service, due_on=today + dt.timedelta(days=20))

    assert reminders(today, django_capture_on_commit_callbacks) == {"before": 1, "after": 0}
    (message,) = mail.outbox
    assert message.to == ["olu@defra.example"]
    assert message.subject == "Action for Waste permits due soon"
    assert "Add alerting" in message.body and action.get_absolute_url() in message.body

    assert reminders(today, django_capture_on_commit_callbacks) == {"before": 0, "after": 0}

    overdue_day = due + dt.timedelta(days=1)
    assert reminders(overdue_day, django_capture_on_commit_callbacks) == {"before": 0, "after": 1}
    overdue = mail.outbox[-1]
    assert overdue.subject == "Action for Waste permits overdue"
    assert sorted(overdue.to) == sorted(["olu@defra.example", users.osr_manager.person.email])
    assert reminders(overdue_day + dt.timedelta(days=3), django_capture_on_commit_callbacks) == {
        "before": 0,
        "after": 0,
    }
    assert (
        reminders(overdue_day + dt.timedelta(days=7), django_capture_on_commit_callbacks)["after"]
        == 1
    )


def test_closed_actions_are_not_reminded(users, today, django_capture_on_commit_callbacks):
    action = ActionFactory(due_on=today, service=ServiceFactory(delivery_group=users.own))
    services.close_action(action, by=users.admin)
    assert reminders(today, django_capture_on_commit_callbacks) == {"before": 0, "after": 0}
    assert mail.outbox == []


def test_the_remind_command_sends_the_days_reminders(
    users, today, capsys, django_capture_on_commit_callbacks
):
    ActionFactory(
        due_on=today - dt.timedelta(days=2), service=ServiceFactory(delivery_group=users.own)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("actions", "remind", "--on", today.isoformat())
    assert capsys.readouterr().out.strip() == "Reminders sent: 0 due soon, 1 overdue"
    assert len(mail.outbox) == 1
    assert Action.objects.get().reminded_after_on == today


def test_the_remind_task_runs_in_the_worker(users, today, django_capture_on_commit_callbacks):
    from osr.reviews.tasks import remind_actions

    ActionFactory(
        due_on=today + dt.timedelta(days=1), service=ServiceFactory(delivery_group=users.own)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_actions.call() == {"before": 1, "after": 0}
    assert len(mail.outbox) == 1
