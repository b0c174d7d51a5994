"""Readiness over time: daily snapshots replayed from the records, kept through policy changes,
and the trends drawn from them on the portfolio and the delivery group's page."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from osr.core.notifications.schedule import run_once
from osr.readiness.history import record_snapshots, record_yesterday
from osr.readiness.models import ReadinessSnapshot

from .test_portfolio import queries
from .timeline import catalogued, evidenced, policy_file, requirement_yaml

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def figures(html: str, chart: str) -> dict[str, list[str]]:
    """The rows of a chart's table as the page shows them: label -> the figures."""
    figure = html.split(f'id="chart-{chart}"', 1)[1].split("</figure>", 1)[0]
    rows = re.findall(
        r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\"[^>]*>(.*?)</th>(.*?)</tr>",
        figure,
        re.S,
    )
    return {label: re.findall(r">([^<]+)</td>", cells) for label, cells in rows}


def test_a_past_day_is_replayed_from_when_evidence_was_submitted_and_verified(users):
    service = catalogued(60, delivery_group=users.own, phase="alpha")
    evidenced(service, "AS-1", submitted=20, verified=5)
    record_snapshots([days_ago(30), days_ago(10), days_ago(2)])
    statuses = dict(
        ReadinessSnapshot.objects.filter(service=service).values_list("day", "statuses")
    )
    assert statuses[days_ago(30)]["AS-1"] == "not_started"
    assert statuses[days_ago(10)]["AS-1"] == "submitted"
    assert statuses[days_ago(2)]["AS-1"] == "met"


def test_no_picture_before_the_service_was_catalogued(users):
    service = catalogued(10, delivery_group=users.own)
    assert record_snapshots([days_ago(20), days_ago(5)]) == 1
    assert list(
        ReadinessSnapshot.objects.filter(service=service).values_list("day", flat=True)
    ) == [days_ago(5)]


def test_a_past_days_picture_is_unchanged_by_a_later_policy_change(users, settings, tmp_path, page):
    service = catalogued(90, delivery_group=users.own, phase="private_beta")
    evidenced(service, "AS-1", submitted=40, verified=35)
    week_ago = days_ago(7)
    record_snapshots([week_ago])
    before = ReadinessSnapshot.objects.get(service=service, day=week_ago)
    client = page("viewer")
    shown_before = figures(client.get("/readiness").content.decode(), "requirements-met")

    # A new policy adds a requirement that applies to the service and that it does not meet.
    settings.OSR_POLICY_FILE = policy_file(
        tmp_path, version="2027.1", extra=requirement_yaml("AS-9", "before-public-beta")
    )
    assert record_snapshots([week_ago, days_ago(0)]) == 1  # only today's is new
    after = ReadinessSnapshot.objects.get(service=service, day=week_ago)
    assert (after.policy_version, after.statuses, after.counted) == (
        "2026.1",
        before.statuses,
        before.counted,
    )
    assert "AS-9" not in after.statuses
    today = ReadinessSnapshot.objects.get(service=service, day=days_ago(0))
    assert today.policy_version == "2027.1" and today.statuses["AS-9"] == "not_started"
    assert today.counted == before.counted + 1

    shown_after = figures(client.get("/readiness").content.decode(), "requirements-met")
    label = week_ago.strftime("%-d %B %Y")
    assert shown_after[label] == shown_before[label]


def test_the_daily_job_keeps_yesterday_once(users):
    catalogued(30, delivery_group=users.own)
    today = timezone.localdate()
    assert run_once("history", record_yesterday, today=today) == {"snapshots": 1}
    assert run_once("history", record_yesterday, today=today) == "already run"
    assert record_yesterday(today=today) == {"snapshots": 0}
    assert ReadinessSnapshot.objects.get().day == today - dt.timedelta(days=1)


def test_the_command_backfills_a_history(users, capsys):
    catalogued(400, delivery_group=users.own)
    call_command("snapshots", "--backfill-weeks", "10")
    assert "Kept 11 snapshots over 11 days" in capsys.readouterr().out
    assert ReadinessSnapshot.objects.count() == 11


def test_the_portfolio_shows_each_trend_as_a_chart_with_its_table(users, page):
    service = catalogued(200, delivery_group=users.own, phase="alpha")
    evidenced(service, "AS-1", submitted=100, verified=95)
    evidenced(service, "AS-2", submitted=30, verified=21)
    service.move_to("private_beta", by=None)
    record_snapshots([days_ago(n) for n in (98, 91, 28, 14, 7)])
    html = page("viewer").get("/readiness").content.decode()
    for chart in ("requirements-met", "gate-status", "time-in-phase", "verification-wait"):
        assert f'id="chart-{chart}"' in html
        assert 'data-chart="' in html.split(f'id="chart-{chart}"', 1)[1]
    met = figures(html, "requirements-met")
    then, later = (int(met[days_ago(n).strftime("%-d %B %Y")][0]) for n in (98, 28))
    now = int(met[days_ago(7).strftime("%-d %B %Y")][0])
    assert (later, now) == (then + 1, then + 2)  # AS-1 verified, then AS-2
    assert figures(html, "time-in-phase")["Alpha"] == ["200", "1"]
    waits = figures(html, "verification-wait")
    assert sorted(w[0] for w in waits.values()) == ["5.0", "9.0"]
    assert 'src="/static/vendor/chart.umd.min.js"' in html


def test_the_delivery_groups_page_shows_its_own_trends(users, page):
    mine = catalogued(100, delivery_group=users.own, phase="alpha")
    theirs = catalogued(100, delivery_group=users.other, phase="alpha")
    evidenced(mine, "AS-1", submitted=50, verified=40)
    evidenced(theirs, "AS-1", submitted=50, verified=40)
    evidenced(theirs, "AS-2", submitted=50, verified=40)
    record_snapshots([days_ago(7)])
    html = page("viewer").get(users.own.get_absolute_url()).content.decode()
    assert "Readiness over time" in html
    mine_met = figures(html, "requirements-met")[days_ago(7).strftime("%-d %B %Y")]
    estate_met = figures(page("viewer").get("/readiness").content.decode(), "requirements-met")
    assert int(estate_met[days_ago(7).strftime("%-d %B %Y")][0]) > int(mine_met[0])


def test_the_trends_load_in_a_fixed_number_of_queries(users, page):
    client = page("viewer")
    catalogued(100, delivery_group=users.own, phase="alpha")
    record_snapshots([days_ago(n) for n in range(0, 60, 7)])
    few = queries(lambda: client.get("/readiness"))
    for n in range(10):
        service = catalogued(100, delivery_group=users.own, phase="alpha")
        evidenced(service, "AS-1", submitted=50, verified=40 - n)
    ReadinessSnapshot.objects.all().delete()
    record_snapshots([days_ago(n) for n in range(0, 120, 7)])
    assert queries(lambda: client.get("/readiness")) == few


def test_without_history_the_page_says_so(page):
    html = page("viewer").get("/readiness").content.decode()
    assert "No readiness history has been kept yet." in html


def test_the_api_gives_the_trends_and_refuses_an_unknown_group(users, api):
    service = catalogued(100, delivery_group=users.own, phase="alpha")
    evidenced(service, "AS-1", submitted=50, verified=40)
    record_snapshots([days_ago(7)])
    client = api("viewer")
    answer = client.get("/api/v1/readiness/trends", group="farming")
    assert answer.status_code == 200
    charts = {chart["key"]: chart for chart in answer.json()["results"]}
    kept = ReadinessSnapshot.objects.get(service=service)
    assert charts["requirements-met"]["rows"][-1]["values"] == [kept.met, kept.counted]
    assert kept.statuses["AS-1"] == "met"
    refused = client.get("/api/v1/readiness/trends", group="nowhere")
    assert refused.status_code == 422 and "group" in refused.json()["errors"]
