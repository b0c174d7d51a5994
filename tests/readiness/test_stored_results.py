"""Stored readiness results: the portfolio reads them, and they always agree with the engine."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from osr.catalogue.models import Service
from osr.readiness import services
from osr.readiness.changes import results_changed
from osr.readiness.flags import flags_for
from osr.readiness.loading import load
from osr.readiness.models import Evidence, ReadinessResult
from osr.readiness.results import detail_of, ensure_current, evaluation_of, refresh_due

from ..factories import ServiceFactory
from .factories import EvidenceFactory, WaiverFactory
from .test_portfolio import add_services, queries

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def worker_at_once(settings):
    """The task worker runs each task the moment a commit queues it."""
    settings.TASKS = IMMEDIATE


def stored() -> dict[int, tuple]:
    return {
        row.service_id: (detail_of(evaluation_of(row)), row.flags)
        for row in ReadinessResult.objects.all()
    }


def fresh(today) -> dict[int, tuple]:
    """Every service evaluated now by the engine, as the service page does."""
    return {
        item.service_id: (
            detail_of(services.evaluate_loaded(item, today=today)),
            [[f.text, f.colour] for f in flags_for(item.facts, today)],
        )
        for item in load(Service.objects.all())
    }


def test_page_and_api_read_stored_results_in_the_same_few_queries_at_two_sizes(
    page, api, users, django_assert_max_num_queries
):
    client, token = page("osr_manager"), api("osr_manager")
    add_services(users.own, 3)
    client.get("/readiness")
    ReadinessResult.objects.all().delete()
    cache.clear()  # the trends beside the portfolio are worked out afresh at both sizes
    cold = {"page": queries(lambda: client.get("/readiness"))}  # evaluates and stores all
    warm = {
        "page": queries(lambda: client.get("/readiness")),
        "api": queries(lambda: token.get("/api/v1/readiness")),
    }
    add_services(users.own, 37, start=3)
    ReadinessResult.objects.all().delete()
    cache.clear()
    assert queries(lambda: client.get("/readiness")) == cold["page"]
    with django_assert_max_num_queries(warm["page"]):
        html = client.get("/readiness?show=blocked").content.decode()
    with django_assert_max_num_queries(warm["api"]):
        body = token.get("/api/v1/readiness", page_size=20).json()
    # The API: a token, the check that every result is current, a count, a page of rows.
    assert warm["page"] <= 20 and warm["api"] <= 4
    assert 'data-count="services">40<' in html
    assert body["count"] == 40 and len(body["results"]) == 20
    assert ReadinessResult.objects.count() == 40


def test_a_change_is_refreshed_by_the_worker_once_it_commits(
    page, users, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from osr.readiness.tasks import refresh_results

    service = ServiceFactory(name="Flood alerts", delivery_group=users.own, phase="discovery")
    client = page("osr_manager")
    assert 'data-count="ready">1<' in client.get("/readiness").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        service.phase = "private_beta"
        service.save()
    # The write did not evaluate the service: it queued it for the worker.
    assert ReadinessResult.objects.get(service=service).stale
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "osr.readiness.tasks.refresh_results"
    assert refresh_results.call(*queued.args_kwargs["args"]) == {"refreshed": 1}
    row = ReadinessResult.objects.get(service=service)
    assert not row.stale and row.phase == "private_beta" and not row.ready
    assert 'data-count="blocked">1<' in client.get("/readiness").content.decode()


def test_a_change_not_yet_refreshed_is_never_shown(page, users):
    service = ServiceFactory(delivery_group=users.own, phase="discovery")
    client = page("osr_manager")
    client.get("/readiness")
    Service.objects.filter(pk=service.pk).update(phase="private_beta")  # no signal
    results_changed([service.pk])  # as an app writing without a save says
    assert ReadinessResult.objects.get(service=service).stale
    assert 'data-count="blocked">1<' in client.get("/readiness").content.decode()


def test_a_change_to_many_services_is_refreshed_by_the_worker_and_never_shown_stale(
    page, users, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from osr.readiness.tasks import refresh_results

    many = [ServiceFactory(delivery_group=users.own, phase="discovery") for _ in range(4)]
    client = page("osr_manager")
    client.get("/readiness")
    with django_capture_on_commit_callbacks(execute=True):
        Service.objects.filter(pk__in=[s.pk for s in many]).update(phase="private_beta")
        results_changed(s.pk for s in many)  # as a bulk import says
    # The change did not evaluate them, in one task for the worker.
    assert ReadinessResult.objects.filter(stale=True).count() == 4
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "osr.readiness.tasks.refresh_results"
    # A page read before the worker runs shows them as they are now, not as they were.
    assert 'data-count="blocked">4<' in client.get("/readiness").content.decode()
    ReadinessResult.objects.update(stale=True)
    assert refresh_results.call(sorted(s.pk for s in many)) == {"refreshed": 4}
    assert not ReadinessResult.objects.filter(stale=True).exists()


def test_every_demo_service_agrees_with_the_engine_through_a_sequence_of_changes(
    django_capture_on_commit_callbacks, settings, tmp_path, worker_at_once
):
    from osr.catalogue.demo import load_demo

    today = timezone.localdate()
    load_demo(today=today)
    out = io.StringIO()
    call_command("readiness", "refresh", stdout=out)
    count = Service.objects.count()
    assert f"Stored the readiness of {count} services" in out.getvalue()
    assert stored() == fresh(today)

    awaiting = Evidence.objects.filter(status="submitted").select_related("service").first()
    contact = Service.objects.exclude(support_contact_email="").filter(uses_live_data=True).first()
    waived = Service.objects.exclude(pk__in=[awaiting.service_id, contact.pk]).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.verify_evidence(awaiting, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.waive_requirement(
            waived, services.requirement_of("AS-5"), reason="Central", expires_on=None, by=None
        )
    with django_capture_on_commit_callbacks(execute=True):
        contact.support_contact_email = ""
        contact.save()
    # The commits refreshed what changed: nothing is left for a reader to evaluate.
    assert not ReadinessResult.objects.filter(stale=True).exists()
    assert stored() == fresh(today)
    ld2 = evaluation_of(ReadinessResult.objects.get(service=contact)).requirement("LD-2")
    assert ld2.status != "met" and "No support contact" in ld2.reason

    policy = tmp_path / "policy.yaml"
    text = Path(settings.OSR_POLICY_FILE).read_text(encoding="utf-8")
    policy.write_text(text.replace("version: ", "version: reloaded-", 1), encoding="utf-8")
    settings.OSR_POLICY_FILE = str(policy)
    call_command("readiness", "refresh", stdout=io.StringIO())
    assert {row.policy_version for row in ReadinessResult.objects.all()} == {
        services.active_policy().version
    }
    assert stored() == fresh(today)


def test_a_result_is_evaluated_again_when_its_waiver_expires(users):
    today = timezone.localdate()
    service = ServiceFactory(delivery_group=users.own, phase="alpha")
    WaiverFactory(service=service, requirement_id="AS-1", expires_on=today + dt.timedelta(days=2))
    other = ServiceFactory(delivery_group=users.own, phase="alpha")
    ensure_current(Service.objects.all(), today=today)
    row = ReadinessResult.objects.get(service=service)
    assert row.changes_on == today + dt.timedelta(days=2)
    assert evaluation_of(row).requirement("AS-1").status == "waived"

    # A reader on the day it expires sees it expired, before any daily job runs.
    later = today + dt.timedelta(days=2)
    assert ensure_current(Service.objects.all(), today=later) == 1
    row.refresh_from_db()
    assert evaluation_of(row).requirement("AS-1").status == "expired"
    assert ReadinessResult.objects.get(service=other).evaluated_on == today
    # The daily job brings every result to the new day, then they agree with the engine.
    assert refresh_due(today=later) == {"refreshed": 1}
    assert refresh_due(today=later) == {"refreshed": 0}
    assert stored() == fresh(later)


def test_evidence_verified_by_its_own_method_refreshes_the_portfolio(
    page, users, django_capture_on_commit_callbacks, worker_at_once
):
    service = ServiceFactory(name="Rod licences", delivery_group=users.own, phase="discovery")
    evidence = EvidenceFactory(service=service, requirement_id="AS-1")
    client = page("osr_manager")
    client.get("/readiness")
    with django_capture_on_commit_callbacks(execute=True):
        services.verify_evidence(evidence, by=users.osr_manager)
    row = ReadinessResult.objects.get(service=service)
    assert not row.stale
    assert evaluation_of(row).requirement("AS-1").status == "met"


def test_a_rehearsal_recorded_by_the_review_boards_refreshes_lv3(
    users, django_capture_on_commit_callbacks, worker_at_once
):
    from ..reviews.factories import RehearsalFactory

    today = timezone.localdate()
    service = ServiceFactory(delivery_group=users.own, phase="public_beta")
    ensure_current(Service.objects.all(), today=today)
    with django_capture_on_commit_callbacks(execute=True):
        RehearsalFactory(service=service, kind="incident", held_on=today)
        RehearsalFactory(service=service, kind="change", held_on=today)
    row = ReadinessResult.objects.get(service=service)
    assert not row.stale
    assert evaluation_of(row).requirement("LV-3").status == "met"
    assert stored() == fresh(today)


def test_a_supplier_contract_ending_is_a_date_the_result_changes_on(users):
    from ..factories import ComponentFactory, ContractFactory, SupplierFactory

    today = timezone.localdate()
    service = ServiceFactory(delivery_group=users.own, phase="live")
    supplier = SupplierFactory()
    component = ComponentFactory(service=service, supplier=supplier)
    ends = today + dt.timedelta(days=10)
    ContractFactory(supplier=supplier, start_date=today, end_date=ends).components.add(component)
    ensure_current(Service.objects.all(), today=today)
    assert ReadinessResult.objects.get(service=service).changes_on == ends + dt.timedelta(days=1)
    assert ensure_current(Service.objects.all(), today=ends + dt.timedelta(days=1)) == 1
    assert stored() == fresh(ends + dt.timedelta(days=1))
