"""Daily jobs run from the worker's schedule, each once a day, without cron."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from osr.core.notifications import schedule
from osr.core.notifications.models import DailyRun

pytestmark = pytest.mark.django_db


def test_the_worker_schedules_the_daily_jobs_and_the_outbox(settings):
    settings.OSR_DAILY_JOBS_AT = "06:30"
    before = timezone.make_aware(dt.datetime(2026, 3, 2, 5, 0))
    scheduler = schedule.build_scheduler(now=before)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {schedule.DAILY, schedule.OUTBOX}
    fields = {f.name: str(f) for f in jobs[schedule.DAILY].trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("6", "30")
    assert jobs[schedule.OUTBOX].trigger.interval == dt.timedelta(
        seconds=settings.OSR_NOTIFICATIONS_RETRY_SECONDS
    )
    # A worker started after the hour catches up on the day's jobs at once.
    after = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    assert schedule.CATCH_UP in {job.id for job in schedule.build_scheduler(now=after).get_jobs()}


def test_the_daily_jobs_in_their_order():
    names = [name for name, _ in schedule.daily_jobs()]
    assert names == [
        "osr.readiness.notices.send_expiry_warnings",
        "osr.readiness.results.refresh_due",
        "osr.reviews.services.send_action_reminders",
        "osr.catalogue.contacts.send_contact_reminders",
        "osr.core.notifications.digest.send_digests",
        "osr.core.notifications.delivery.sweep_outbox",
        "osr.core.auditanchor.anchor_daily",
        "osr.readiness.history.record_yesterday",
        "osr.readiness.campaigns.send_campaign_reminders",
        "osr.core.notifications.pruning.prune_finished_tasks",
    ]


def test_each_daily_job_runs_once_a_day(settings):
    ran = []
    settings.OSR_DAILY_JOBS = ["tests.core.test_schedule.job_for_test"]
    job_for_test.ran = ran  # type: ignore[attr-defined]
    day = dt.date(2026, 3, 2)
    assert schedule.run_daily_jobs(day) == {settings.OSR_DAILY_JOBS[0]: {"day": "2026-03-02"}}
    assert schedule.run_daily_jobs(day) == {settings.OSR_DAILY_JOBS[0]: "already run"}
    schedule.run_daily_jobs(day + dt.timedelta(days=1))
    assert ran == [day, day + dt.timedelta(days=1)]
    assert DailyRun.objects.get(day=day).result == {"day": "2026-03-02"}


def test_a_failing_job_is_not_recorded_and_runs_again(settings):
    settings.OSR_DAILY_JOBS = ["tests.core.test_schedule.failing_job"]
    day = dt.date(2026, 3, 2)
    assert "error" in schedule.run_daily_jobs(day)[settings.OSR_DAILY_JOBS[0]]
    assert not DailyRun.objects.exists()


def test_an_action_coming_due_is_reminded_by_the_schedule_without_cron(
    users, django_capture_on_commit_callbacks
):
    from ..factories import PersonFactory, ServiceFactory
    from ..reviews.factories import ActionFactory

    owner = PersonFactory(name="Olu Owner", email="olu@defra.example")
    day = dt.date(2026, 3, 2)
    ActionFactory(
        # Its contacts are confirmed, so the only reminder is the action's.
        service=ServiceFactory(delivery_group=users.own, contacts_confirmed_on=day),
        owner=owner,
        due_on=day + dt.timedelta(days=3),
    )
    with django_capture_on_commit_callbacks(execute=True):
        results = schedule.run_daily_jobs(day)
    assert results["osr.reviews.services.send_action_reminders"] == {"before": 1, "after": 0}
    assert [m.to for m in mail.outbox] == [["olu@defra.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        schedule.run_daily_jobs(day)  # the same day again: nobody is reminded twice
    assert len(mail.outbox) == 1


def test_the_run_daily_jobs_task_takes_the_day(settings):
    from osr.core.notifications.tasks import run_daily_jobs

    settings.OSR_DAILY_JOBS = ["tests.core.test_schedule.job_for_test"]
    job_for_test.ran = []  # type: ignore[attr-defined]
    assert run_daily_jobs.call("2026-03-02") == {settings.OSR_DAILY_JOBS[0]: {"day": "2026-03-02"}}


def job_for_test(*, today):
    job_for_test.ran.append(today)  # type: ignore[attr-defined]
    return {"day": today.isoformat()}


def failing_job(*, today):
    raise RuntimeError("the mail server is down")
