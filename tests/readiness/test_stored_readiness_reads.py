"""One service's readiness is read from its stored result: the API, the pages, the CLI."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.catalogue.models import Service
from osr.readiness import api as readiness_api
from osr.readiness import results, services
from osr.readiness.changes import results_changed
from osr.readiness.models import ReadinessResult
from osr.readiness.results import current_evaluation

from ..conftest import ApiClient, make_user
from ..factories import ServiceFactory
from .factories import EvidenceFactory

pytestmark = pytest.mark.django_db


def _not_evaluated(*args, **kwargs):
    raise AssertionError("evaluated again, not read from the stored result")


def _fresh(service, today):
    return services.readiness_of(service, today=today)


def test_every_demo_service_answers_the_same_from_its_stored_result_as_evaluated_afresh(
    monkeypatch,
):
    from osr.catalogue.demo import load_demo

    today = timezone.localdate()
    load_demo(today=today)
    call_command("readiness", "refresh", stdout=io.StringIO())
    client = ApiClient(make_user("reader", "viewer"))
    slugs = list(Service.objects.order_by("slug").values_list("slug", flat=True))
    assert slugs

    def answers() -> dict[str, dict]:
        return {s: client.get(f"/api/v1/services/{s}/readiness").json() for s in slugs}

    with monkeypatch.context() as read_only:
        # Read, not evaluated again.
        read_only.setattr(results, "evaluate", _not_evaluated)
        stored = answers()
    monkeypatch.setattr(readiness_api, "current_evaluation", _fresh)
    assert stored == answers()


def test_a_missing_or_stale_result_is_evaluated_stored_and_then_read(api, users):
    service = ServiceFactory(slug="flood", delivery_group=users.own, phase="discovery")
    client = api("viewer")
    ReadinessResult.objects.all().delete()
    first = client.get("/api/v1/services/flood/readiness").json()
    assert ReadinessResult.objects.filter(service=service, stale=False).exists()
    with CaptureQueriesContext(connection) as read:
        again = client.get("/api/v1/services/flood/readiness").json()
    assert again == first and len(read) == 3

    # A change not yet refreshed (its commit's refresh still to run) is never shown.
    Service.objects.filter(pk=service.pk).update(phase="private_beta")
    results_changed([service.pk])
    body = client.get("/api/v1/services/flood/readiness").json()
    assert body["phase"] == "private_beta" and body["ready_for_next_phase"] is False
    assert ReadinessResult.objects.get(service=service).phase == "private_beta"


def test_the_readiness_api_reads_in_the_same_queries_whatever_the_evidence(api, users):
    few = ServiceFactory(slug="few", delivery_group=users.own, phase="alpha")
    many = ServiceFactory(slug="many", delivery_group=users.own, phase="alpha")
    EvidenceFactory(service=few, requirement_id="AS-1")
    for requirement in ("AS-1", "AS-2", "AS-3", "AS-4", "AS-5") * 4:
        EvidenceFactory(service=many, requirement_id=requirement)
    client = api("viewer")
    today = timezone.localdate()
    for service in (few, many):
        current_evaluation(service, today=today)  # stored, as a commit's refresh leaves it

    counts = {}
    for slug in ("few", "many"):
        with CaptureQueriesContext(connection) as read:
            body = client.get(f"/api/v1/services/{slug}/readiness").json()
        counts[slug] = len(read)
        assert body["requirements"]
    # A token, the service with its stored result, its evidence.
    assert counts == {"few": 3, "many": 3}
    shown = {r["id"]: r for r in body["requirements"]}
    assert len(shown["AS-1"]["evidence"]) == 4


def test_the_service_page_and_requirement_page_read_the_stored_result(page, users):
    service = ServiceFactory(slug="rods", delivery_group=users.own, phase="alpha")
    EvidenceFactory(service=service, requirement_id="AS-1")
    client = page("osr_manager")
    assert client.get("/services/rods/readiness/AS-1").status_code == 200
    row = ReadinessResult.objects.get(service=service)
    assert not row.stale
    # An unsignalled change is picked up once it is said to have happened.
    Service.objects.filter(pk=service.pk).update(phase="private_beta")
    results_changed([service.pk])
    html = client.get("/services/rods/readiness/PB-1").content.decode()
    assert ReadinessResult.objects.get(service=service).phase == "private_beta"
    assert "PB-1" in html
    html = client.get("/services/rods/readiness").content.decode()
    assert "Private beta" in html or "private beta" in html


def test_the_cli_reads_the_stored_result_for_the_next_phase_and_evaluates_others(users):
    service = ServiceFactory(slug="ivory", delivery_group=users.own, phase="discovery")
    ReadinessResult.objects.all().delete()
    out = io.StringIO()
    call_command("readiness", "ivory", stdout=out)
    assert "may enter alpha" in out.getvalue()
    assert ReadinessResult.objects.filter(service=service).exists()

    # Another phase, or another day, is evaluated and not stored.
    ReadinessResult.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("readiness", "ivory", "--phase", "live", stdout=io.StringIO())
    call_command("readiness", "ivory", "--on", "2030-01-01", stdout=io.StringIO())
    assert not ReadinessResult.objects.exists()


def test_a_row_in_hand_counts_exactly_when_the_database_would_count_it(users):
    today = timezone.localdate()
    policy = services.active_policy()
    key = results.result_key(policy)
    day = dt.timedelta(days=1)
    cases = [
        {},
        {"stale": True},
        {"policy_digest": "another:policy"},
        {"evaluated_on": today + day},
        {"evaluated_on": today - day},
        {"changes_on": today},
        {"changes_on": today - day},
        {"changes_on": today + day},
    ]
    for number, case in enumerate(cases):
        service = ServiceFactory(slug=f"case-{number}", delivery_group=users.own)
        current_evaluation(service, today=today)
        fields = {"stale": False, "policy_digest": key, "evaluated_on": today, "changes_on": None}
        ReadinessResult.objects.filter(service=service).update(**(fields | case))
    for row in ReadinessResult.objects.all():
        in_database = ReadinessResult.objects.filter(results.counting(policy, today), pk=row.pk)
        assert results.counts(row, policy, today) == in_database.exists(), row.service.slug
    assert sum(results.counts(row, policy, today) for row in ReadinessResult.objects.all()) == 3
