"""Forecasts: a planned date for the next phase, whether the pace of evidence makes it, and the
OSR manager's list of services that will not."""

import datetime as dt

import pytest
from django.utils import timezone

from osr.readiness.forecasts import outlook
from osr.readiness.history import record_snapshots
from osr.readiness.models import PhasePlan

from ..factories import ServiceFactory
from .test_campaigns import date_fields
from .test_portfolio import queries
from .timeline import catalogued, evidenced

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def test_on_track_when_the_pace_meets_the_rest_before_the_planned_date():
    found = outlook(
        remaining=4, met_now=10, met_then=6, weeks=8, planned_on=TODAY + dt.timedelta(weeks=9),
        today=TODAY,
    )  # fmt: skip
    assert found.on_track and found.pace == 0.5
    assert found.projected == TODAY + dt.timedelta(weeks=8)


def test_not_on_track_when_the_pace_is_too_slow():
    found = outlook(
        remaining=4, met_now=8, met_then=6, weeks=8, planned_on=TODAY + dt.timedelta(weeks=9),
        today=TODAY,
    )  # fmt: skip
    assert not found.on_track and found.projected == TODAY + dt.timedelta(weeks=16)
    assert found.reason == "At 0.2 requirements a week the rest are met around 5 October 2026"


def test_not_on_track_without_any_pace_or_past_the_date():
    still = outlook(
        remaining=2, met_now=5, met_then=5, weeks=8, planned_on=TODAY + dt.timedelta(days=90),
        today=TODAY,
    )  # fmt: skip
    assert not still.on_track and still.projected is None
    assert still.reason == "No requirement met in the last 8 weeks, and 2 to meet"
    passed = outlook(
        remaining=1, met_now=5, met_then=1, weeks=8, planned_on=TODAY - dt.timedelta(days=1),
        today=TODAY,
    )  # fmt: skip
    assert not passed.on_track and "The planned date has passed" in passed.reason


def test_ready_services_are_on_track():
    assert outlook(
        remaining=0, met_now=5, met_then=None, weeks=8, planned_on=TODAY, today=TODAY
    ).on_track


def plan_page(client, slug, planned_on):
    return client.post(f"/services/{slug}/readiness-plan", date_fields("planned_on", planned_on))


def test_the_team_plans_a_date_and_sees_its_forecast(users, page):
    service = catalogued(200, slug="floods", delivery_group=users.own, phase="private_beta")
    record_snapshots([timezone.localdate() - dt.timedelta(weeks=8)])
    # Since then, three requirements met: a pace of 0.375 a week.
    for requirement_id in ("AS-1", "AS-2", "PB-4"):
        evidenced(service, requirement_id, submitted=30, verified=20)
    client = page("delivery")
    planned_on = timezone.localdate() + dt.timedelta(days=400)
    assert plan_page(client, "floods", planned_on).status_code == 302
    html = client.get("/services/floods/readiness").content.decode()
    assert f"Planned for {planned_on:%-d %B %Y}" in html
    assert "On track" in html and "0.4 a week were met" in html
    assert PhasePlan.objects.get(service=service).phase == "public_beta"

    plan_page(client, "floods", timezone.localdate() + dt.timedelta(days=1))
    html = client.get("/services/floods/readiness").content.decode()
    assert "Not on track" in html and "At 0.4 requirements a week the rest are met around" in html
    assert PhasePlan.objects.count() == 1  # the plan moved, not a second one


def test_a_past_date_is_refused_with_the_error_summary(users, page):
    catalogued(20, slug="floods", delivery_group=users.own, phase="alpha")
    answer = plan_page(page("delivery"), "floods", timezone.localdate() - dt.timedelta(days=1))
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "There is a problem" in html and "must be today or in the future" in html
    assert not PhasePlan.objects.exists()


def test_only_the_services_team_and_managers_plan_its_date(users, page):
    catalogued(20, slug="floods", delivery_group=users.own, phase="alpha")
    later = timezone.localdate() + dt.timedelta(days=30)
    assert plan_page(page("outsider"), "floods", later).status_code == 403
    assert plan_page(page("viewer"), "floods", later).status_code == 403
    assert plan_page(page("osr_manager"), "floods", later).status_code == 302


def test_the_osr_managers_home_lists_services_not_on_track(users, page):
    soon = timezone.localdate() + dt.timedelta(days=10)
    for n in range(3):
        service = ServiceFactory(slug=f"late-{n}", name=f"Late {n}", delivery_group=users.own,
                                 phase="private_beta")  # fmt: skip
        PhasePlan.objects.create(service=service, phase="public_beta", planned_on=soon)
    elsewhere = ServiceFactory(slug="far", delivery_group=users.other, phase="private_beta")
    PhasePlan.objects.create(service=elsewhere, phase="public_beta", planned_on=soon)
    client = page("osr_manager")
    html = client.get("/").content.decode()
    assert "Services not on track for their planned date" in html
    assert all(f"/services/late-{n}/readiness#forecast" in html for n in range(3))
    assert "/services/far/" not in html
    few = queries(lambda: client.get("/"))
    for n in range(3, 9):
        service = ServiceFactory(slug=f"late-{n}", delivery_group=users.own, phase="private_beta")
        PhasePlan.objects.create(service=service, phase="public_beta", planned_on=soon)
    client.get("/")  # the new services' readiness is evaluated and stored, once
    assert queries(lambda: client.get("/")) == few


def test_the_api_records_a_plan_and_lists_forecasts(users, api):
    catalogued(20, slug="floods", delivery_group=users.own, phase="private_beta")
    client = api("delivery")
    later = timezone.localdate() + dt.timedelta(days=30)
    answer = client._call("put", "/api/v1/services/floods/phase-plan", {"planned_on": str(later)})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["phase"] == "public_beta" and answer.json()["on_track"] is False
    refused = client._call(
        "put", "/api/v1/services/floods/phase-plan", {"planned_on": "2001-01-01"}
    )
    assert refused.status_code == 422 and "planned_on" in refused.json()["errors"]
    listed = api("viewer").get("/api/v1/readiness/forecasts", group="farming").json()
    assert [f["service"] for f in listed["results"]] == ["floods"]
