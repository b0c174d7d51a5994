"""Readiness over time, as charts with their figures in a table beside each.

Each trend is read in one or two queries whatever the size of the estate:
requirements met and services by gate status from the daily snapshots, time in
each phase from the phase history, and the wait for verification from evidence.
A chart is drawn in the browser from its own table, so the table is the one
source of the figures and the page reads the same without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from osr.catalogue.choices import PHASE_ORDER, Phase
from osr.catalogue.models import DeliveryGroup, PhaseChange
from osr.core.shortcuts import day

from .choices import EvidenceStatus
from .models import Evidence, ReadinessSnapshot

WEEKS = 26  # how far back the weekly trends reach
MONTHS = 12  # how far back the monthly trends reach
CACHED_FOR = 60 * 60  # seconds; a day's key changes at midnight anyway


@dataclass(frozen=True)
class Chart:
    """One chart and the table it is drawn from: a first column of labels, then a series each."""

    key: str
    title: str
    kind: str  # "line", "bar" or "stacked"
    label_header: str
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[float | int | None, ...]], ...]
    summary: str  # what the chart shows, in words, for those who do not see it
    empty: str  # what to say when there is nothing to show yet
    drawn: int = 1  # the first series are drawn; the rest are in the table only


def weekly_days(group_id: int | None, *, today: dt.date, weeks: int = WEEKS) -> list[dt.date]:
    """The last stored snapshot day of each week, over the last ``weeks`` weeks."""
    snapshots = _snapshots(group_id).filter(day__gt=today - dt.timedelta(weeks=weeks))
    last: dict[tuple[int, int], dt.date] = {}
    for stored in snapshots.values_list("day", flat=True).distinct().order_by("day"):
        last[stored.isocalendar()[:2]] = stored
    return sorted(last.values())


def _snapshots(group_id: int | None):
    snapshots = ReadinessSnapshot.objects.all()
    return snapshots.filter(delivery_group_id=group_id) if group_id else snapshots


def requirements_met(group_id: int | None, days: list[dt.date]) -> Chart:
    """A burn-up: requirements satisfied each week against all that apply."""
    totals = (
        _snapshots(group_id)
        .filter(day__in=days)
        .values("day")
        .annotate(n_met=Sum("met"), n_counted=Sum("counted"))
        .order_by("day")
    )
    rows = tuple((day(t["day"]), (t["n_met"], t["n_counted"])) for t in totals)
    summary = ""
    if rows:
        (first, (met_then, _)), (last, (met_now, total)) = rows[0], rows[-1]
        summary = (
            f"Requirements met rose from {met_then} on {first} to {met_now} of {total} on {last}"
            if met_now >= met_then
            else f"Requirements met fell from {met_then} on {first} to {met_now} on {last}"
        )
    return Chart(
        "requirements-met",
        "Requirements met",
        "line",
        "Week ending",
        ("Requirements met", "Requirements that apply"),
        rows,
        summary,
        "No readiness history has been kept yet.",
        drawn=2,
    )


def gate_status(group_id: int | None, days: list[dt.date]) -> Chart:
    """Services ready for their next phase, blocked, and with live-data duties outstanding."""
    totals = (
        _snapshots(group_id)
        .filter(day__in=days)
        .values("day")
        .annotate(
            n_ready=Count("id", filter=Q(ready=True)),
            n_blocked=Count("id", filter=Q(ready=False)),
            n_live=Count("id", filter=Q(live_data_outstanding=True)),
        )
        .order_by("day")
    )
    rows = tuple((day(t["day"]), (t["n_ready"], t["n_blocked"], t["n_live"])) for t in totals)
    summary = ""
    if rows:
        (first, (ready_then, *_)), (last, (ready_now, blocked_now, _)) = rows[0], rows[-1]
        summary = (
            f"{ready_then} services were ready for their next phase on {first}; "
            f"{ready_now} were ready and {blocked_now} blocked on {last}"
        )
    return Chart(
        "gate-status",
        "Services by gate status",
        "stacked",
        "Week ending",
        ("Ready for their next phase", "Blocked", "Live-data duties outstanding"),
        rows,
        summary,
        "No readiness history has been kept yet.",
        drawn=2,
    )


def time_in_phase(group_id: int | None, *, today: dt.date) -> Chart:
    """The median days services spent in each phase they have left, and how many left it."""
    changes = PhaseChange.objects.order_by("service_id", "changed_at", "id")
    if group_id:
        changes = changes.filter(service__delivery_group_id=group_id)
    tz = timezone.get_current_timezone()
    stays: dict[str, list[int]] = {phase: [] for phase in PHASE_ORDER}
    previous: tuple[int, str, dt.date] | None = None
    for service_id, to_phase, changed_at in changes.values_list(
        "service_id", "to_phase", "changed_at"
    ):
        entered = changed_at.astimezone(tz).date()
        if previous is not None and previous[0] == service_id:
            stays[previous[1]].append((entered - previous[2]).days)
        previous = (service_id, to_phase, entered)
    labels = dict(Phase.choices)
    rows = tuple(
        (labels[phase], (round(statistics.median(days)), len(days)))
        for phase, days in stays.items()
        if days and phase not in (Phase.LIVE, Phase.RETIRED)
    )
    summary = "; ".join(f"{label}: median {median} days" for label, (median, _n) in rows)
    return Chart(
        "time-in-phase",
        "Time spent in each phase",
        "bar",
        "Phase",
        ("Median days in the phase", "Services that moved on"),
        rows,
        summary,
        "No service has moved on from a phase yet.",
    )


def verification_wait(group_id: int | None, *, today: dt.date, months: int = MONTHS) -> Chart:
    """The median days from evidence submitted to verified, by month of verification."""
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    tz = timezone.get_current_timezone()
    verified = Evidence.objects.filter(
        status=EvidenceStatus.VERIFIED, reviewed_at__date__gte=start
    ).order_by()
    if group_id:
        verified = verified.filter(service__delivery_group_id=group_id)
    waits: dict[dt.date, list[float]] = {}
    for submitted, reviewed in verified.filter(reviewed_at__isnull=False).values_list(
        "submitted_at", "reviewed_at"
    ):
        assert reviewed is not None  # filtered above; for the type checker
        month = reviewed.astimezone(tz).date().replace(day=1)
        waits.setdefault(month, []).append((reviewed - submitted).total_seconds() / 86400)
    rows = tuple(
        (month.strftime("%B %Y"), (round(statistics.median(w), 1), len(w)))
        for month, w in sorted(waits.items())
    )
    summary = ""
    if rows:
        summary = (
            f"Evidence verified in {rows[-1][0]} waited a median of {rows[-1][1][0]} days; "
            f"in {rows[0][0]}, {rows[0][1][0]} days"
        )
    return Chart(
        "verification-wait",
        "Time from evidence submitted to verified",
        "bar",
        "Month verified",
        ("Median days waiting", "Evidence verified"),
        rows,
        summary,
        "No evidence has been verified in the last year.",
    )


def trends(group_id: int | None, *, today: dt.date) -> list[Chart]:
    """Every readiness trend, for one delivery group or the whole estate.

    Working the trends out reads the estate's whole phase history and a year of
    verified evidence: most of a second at 10,000 services, which every view of
    the portfolio would pay. They are kept in the cache under what they are made
    of (the day, the latest snapshot, phase change and verification), so a view
    pays three small queries unless one of those has moved since.
    """
    key = f"readiness-trends:{group_id or 'estate'}:{today.isoformat()}:{_made_of(group_id)}"
    charts = cache.get(key)
    if charts is None:
        days = weekly_days(group_id, today=today)
        charts = [
            requirements_met(group_id, days),
            gate_status(group_id, days),
            time_in_phase(group_id, today=today),
            verification_wait(group_id, today=today),
        ]
        cache.set(key, charts, timeout=CACHED_FOR)
    return charts


def _made_of(group_id: int | None) -> str:
    """What the trends of a group (or the estate) were worked out from, in a few characters."""
    verified = Evidence.objects.filter(status=EvidenceStatus.VERIFIED)
    changes = PhaseChange.objects.all()
    if group_id:
        verified = verified.filter(service__delivery_group_id=group_id)
        changes = changes.filter(service__delivery_group_id=group_id)
    evidence = verified.aggregate(last=Max("reviewed_at"), n=Count("id"))
    phases = changes.aggregate(last=Max("id"), n=Count("id"))
    # Snapshots are written once and never changed: the latest is enough.
    snapshots = _snapshots(group_id).aggregate(last=Max("id"))
    return ":".join(
        str(value) for value in (*evidence.values(), *phases.values(), *snapshots.values())
    ).replace(" ", "_")


def trends_of_group(slug: str, *, today: dt.date) -> list[Chart]:
    """The trends of the delivery group with this slug, or of the estate for none (or unknown)."""
    group_id = DeliveryGroup.objects.filter(slug=slug).values_list("id", flat=True).first()
    return trends(group_id if slug else None, today=today)


def group_trends(request, group) -> dict:
    """The trends on a delivery group's page."""
    return {"charts": trends(group.pk, today=timezone.localdate())}
