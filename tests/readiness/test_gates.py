"""The phase gates: a forward move is refused with every blocker, wherever it is asked for."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.catalogue.models import Service
from osr.catalogue.phase_hooks import PhaseMoveRefused
from osr.core.refusals import Forbidden, Invalid
from osr.readiness.models import GateDecision, ReadinessResult
from osr.readiness.results import ensure_current

from ..factories import ServiceFactory
from .factories import EvidenceFactory

pytestmark = pytest.mark.django_db
PB_GATE = ["PB-1", "PB-2", "PB-3", "PB-4"]


@pytest.fixture
def flood(users):
    return ServiceFactory(
        slug="flood", name="Flood warnings", delivery_group=users.own, phase="private_beta"
    )


def meet(service, *requirement_ids, **extra):
    for requirement_id in requirement_ids:
        EvidenceFactory(
            service=service,
            requirement_id=requirement_id,
            status="verified",
            reviewed_at=timezone.now(),
            **extra,
        )


def test_move_to_refuses_naming_every_blocker(flood, users):
    with pytest.raises(PhaseMoveRefused) as refused:
        flood.move_to("public_beta", by=users.delivery)
    assert [b.requirement_id for b in refused.value.blockers] == PB_GATE
    flood.refresh_from_db()
    assert flood.phase == "private_beta"
    assert not GateDecision.objects.exists()


def test_a_move_goes_ahead_once_the_gate_is_satisfied_and_is_recorded(flood, users):
    meet(flood, *PB_GATE)
    flood.move_to("public_beta", by=users.delivery)
    assert Service.objects.get(pk=flood.pk).phase == "public_beta"
    decision = GateDecision.objects.get()
    assert (decision.from_phase, decision.to_phase, decision.forced) == (
        "private_beta",
        "public_beta",
        False,
    )
    assert decision.policy_version == "2026.1"
    assert decision.statuses["PB-1"] == "met" and decision.blockers == []


def test_moving_back_is_always_allowed(flood, users):
    flood.move_to("alpha", by=users.delivery)
    flood.move_to("discovery", by=users.delivery)
    assert Service.objects.get(pk=flood.pk).phase == "discovery"


def test_phases_without_a_gate_move_freely(users):
    service = ServiceFactory(delivery_group=users.own)
    service.move_to("alpha", by=users.delivery)
    service.move_to("private_beta", by=users.delivery)
    assert service.phase == "private_beta"


def test_live_data_obligations_block_a_move_even_in_discovery(users):
    service = ServiceFactory(delivery_group=users.own, uses_live_data=True)
    with pytest.raises(PhaseMoveRefused) as refused:
        service.move_to("alpha", by=users.delivery)
    assert [b.requirement_id for b in refused.value.blockers] == ["LD-1"]


def test_an_administrator_forces_a_move_with_a_recorded_reason(flood, users):
    flood.move_to("public_beta", by=users.admin, force=True, reason="Ministerial deadline")
    assert flood.phase == "public_beta"
    decision = GateDecision.objects.get()
    assert decision.forced and decision.reason == "Ministerial deadline"
    assert [b["id"] for b in decision.blockers] == PB_GATE
    assert flood.phase_changes.first().forced


def test_no_one_else_can_force_and_no_one_forces_without_a_reason(flood, users):
    with pytest.raises(Forbidden):
        flood.move_to("public_beta", by=users.delivery, force=True, reason="Please")
    with pytest.raises(Invalid) as refused:
        flood.move_to("public_beta", by=users.admin, force=True, reason=" ")
    assert refused.value.errors == {"reason": ["Give a reason for forcing the move"]}
    flood.refresh_from_db()
    assert flood.phase == "private_beta" and not GateDecision.objects.exists()


def test_the_api_answers_409_with_the_blocking_ids(api, flood):
    response = api("delivery").post("/api/v1/services/flood/phase", {"phase": "public_beta"})
    assert response.status_code == 409
    blockers = response.json()["blockers"]
    assert [b["id"] for b in blockers] == PB_GATE
    assert all(b["reason"] for b in blockers)


def test_the_api_moves_back_freely(api, flood):
    response = api("delivery").post("/api/v1/services/flood/phase", {"phase": "alpha"})
    assert response.status_code == 200


def test_the_page_lists_every_blocker_in_the_error_summary_with_links(page, flood):
    response = page("delivery").post("/services/flood/phase", {"phase": "public_beta"})
    assert response.status_code == 422
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"')[1].split("</div>\n</div>")[0]
    for requirement_id in PB_GATE:
        assert f'href="/services/flood/readiness/{requirement_id}"' in summary
    service_page = page("delivery").get("/services/flood/readiness").content.decode()
    for requirement_id in PB_GATE:
        assert f'id="requirement-{requirement_id}"' in service_page


def test_the_service_page_says_what_stops_the_next_phase(page, flood):
    html = page("viewer").get("/services/flood").content.decode()
    assert "What stops Flood warnings moving to public beta" in html
    html = page("viewer").get("/services/flood/readiness").content.decode()
    assert "What stops Flood warnings moving to public beta" in html
    assert "govuk-task-list" in html
    assert "Before entering public beta" in html and "Before entering live" in html


def _move_reading(service, to_phase, by):
    """Moves the service; the SQL the move ran."""
    with CaptureQueriesContext(connection) as queries:
        service.move_to(to_phase, by=by)
    return [q["sql"] for q in queries]


def test_a_move_is_decided_on_today_s_stored_result_without_loading_the_service_again(flood, users):
    meet(flood, *PB_GATE)
    ensure_current(Service.objects.filter(pk=flood.pk), today=timezone.localdate())
    statements = _move_reading(flood, "public_beta", users.delivery)
    assert not [sql for sql in statements if "readiness_evidence" in sql]
    decision = GateDecision.objects.get()
    assert decision.blockers == [] and decision.statuses["PB-1"] == "met"
    assert Service.objects.get(pk=flood.pk).phase == "public_beta"


def test_a_result_changed_since_it_was_stored_is_not_decided_on(flood, users):
    ensure_current(Service.objects.filter(pk=flood.pk), today=timezone.localdate())
    assert ReadinessResult.objects.get(service=flood).stale is False
    meet(flood, *PB_GATE)  # marks the stored result, with its four blockers, stale
    statements = _move_reading(flood, "public_beta", users.delivery)
    assert [sql for sql in statements if "readiness_evidence" in sql]
    assert GateDecision.objects.get().blockers == []


def test_yesterday_s_result_is_not_decided_on(flood, users):
    meet(flood, *PB_GATE)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ensure_current(Service.objects.filter(pk=flood.pk), today=yesterday)
    statements = _move_reading(flood, "public_beta", users.delivery)
    assert [sql for sql in statements if "readiness_evidence" in sql]
