"""The evaluation engine, on plain data: every requirement's status, gates, blockers, percent."""

import datetime as dt

import pytest

from osr.catalogue.choices import PHASE_ORDER
from osr.readiness.checks import AutomaticCheck, CheckOutcome, registered_checks
from osr.readiness.engine import add_months, evaluate, gates_for_move
from osr.readiness.facts import EvidenceFacts, ServiceFacts, SupplierFacts, WaiverFacts
from osr.readiness.policy import active_policy

TODAY = dt.date(2026, 6, 15)
ALL_IDS = [
    "LD-1",
    "LD-2",
    "PB-1",
    "PB-2",
    "PB-3",
    "PB-4",
    "PUB-1",
    "PUB-2",
    "PUB-3",
    "LV-1",
    "LV-2",
    "LV-3",
    "LV-4",
    "LV-5",
    "AS-1",
    "AS-2",
    "AS-3",
    "AS-4",
    "AS-5",
]
MANUAL = ["PB-2", "PB-3", "PB-4", "PUB-1", "PUB-2", "PUB-3", "LV-2", "LV-3", "LV-5"]
MANUAL += ["AS-1", "AS-2", "AS-4", "AS-5"]


def service(**overrides) -> ServiceFacts:
    values = {
        "slug": "flood",
        "name": "Flood warnings",
        "phase": "alpha",
        "phase_since": dt.date(2026, 1, 1),
        "support_contact_email": "support@defra.example",
    }
    return ServiceFacts(**(values | overrides))


def verified(requirement_id, on=dt.date(2026, 3, 1), **extra) -> EvidenceFacts:
    return EvidenceFacts(1, requirement_id, "verified", submitted_on=on, reviewed_on=on, **extra)


def run(facts=None, evidence=(), waivers=(), today=TODAY, target=None, checks=None):
    return evaluate(
        active_policy(),
        facts or service(),
        list(evidence),
        list(waivers),
        today,
        checks=registered_checks() if checks is None else checks,
        target_phase=target,
    )


def status(evaluation, requirement_id):
    return evaluation.requirement(requirement_id).status


def everything_met(facts, on=dt.date(2026, 6, 1)):
    """Verified evidence for every requirement a person verifies, and the checks' facts."""
    evidence = [verified(r, on=on) for r in MANUAL + ["LV-4"]]
    evidence.append(verified("LD-1", on=on, pack_version="3", pack_date=on))
    return evidence


def test_the_default_policy_holds_every_requirement_in_order():
    assert [r.id for r in active_policy().requirements] == ALL_IDS


def test_same_input_gives_the_same_answer():
    facts = service(uses_live_data=True)
    assert run(facts) == run(facts)


@pytest.mark.parametrize("requirement_id", ["LD-1", "LD-2"])
def test_live_data_requirements_do_not_apply_without_live_data(requirement_id):
    result = run(service(uses_live_data=False)).requirement(requirement_id)
    assert result.status == "not_applicable"
    assert "live data" in result.reason


def test_live_data_requirements_are_due_in_any_phase_once_live_data_is_used():
    for phase in ["discovery", "alpha"]:
        evaluation = run(service(phase=phase, uses_live_data=True))
        assert status(evaluation, "LD-1") == "not_started"
        assert status(evaluation, "LD-2") == "met"  # the support contact is recorded
        assert evaluation.live_data_flagged


@pytest.mark.parametrize("requirement_id", MANUAL)
def test_each_manual_requirement_starts_not_started(requirement_id):
    assert status(run(), requirement_id) == "not_started"


@pytest.mark.parametrize("requirement_id", MANUAL + ["LD-1"])
def test_each_manual_requirement_is_met_by_verified_evidence(requirement_id):
    facts = service(uses_live_data=True)
    assert status(run(facts, [verified(requirement_id)]), requirement_id) == "met"


@pytest.mark.parametrize("requirement_id", MANUAL)
def test_submitted_evidence_awaits_verification_and_does_not_satisfy(requirement_id):
    evidence = [EvidenceFacts(1, requirement_id, "submitted", submitted_on=dt.date(2026, 5, 1))]
    result = run(service(), evidence).requirement(requirement_id)
    assert result.status == "submitted" and not result.satisfied


def test_rejected_evidence_shows_the_reason():
    evidence = [EvidenceFacts(1, "AS-1", "rejected", dt.date(2026, 5, 1), note="No summary")]
    result = run(service(), evidence).requirement("AS-1")
    assert result.status == "rejected"
    assert "No summary" in result.reason


def test_newest_submission_decides_between_rejected_and_resubmitted():
    evidence = [
        EvidenceFacts(1, "AS-1", "rejected", dt.date(2026, 5, 1), note="Too thin"),
        EvidenceFacts(2, "AS-1", "submitted", dt.date(2026, 5, 2)),
    ]
    assert status(run(service(), evidence), "AS-1") == "submitted"
    assert status(run(service(), list(reversed(evidence))), "AS-1") == "submitted"


def test_verified_evidence_stays_met_while_a_newer_one_awaits():
    evidence = [verified("AS-1"), EvidenceFacts(2, "AS-1", "submitted", dt.date(2026, 5, 2))]
    assert status(run(service(), evidence), "AS-1") == "met"


def test_pack_expires_after_its_validity_period():
    facts = service(uses_live_data=True)
    pack = verified("LD-1", on=dt.date(2025, 6, 1), pack_version="1", pack_date=dt.date(2025, 6, 1))
    assert status(run(facts, [pack], today=dt.date(2026, 5, 31)), "LD-1") == "met"
    expired = run(facts, [pack], today=dt.date(2026, 6, 1)).requirement("LD-1")
    assert expired.status == "expired"
    assert "1 June 2026" in expired.reason


def test_evidence_without_a_validity_period_never_expires():
    assert status(run(service(), [verified("AS-1", on=dt.date(2010, 1, 1))]), "AS-1") == "met"


def test_newer_submission_after_expiry_shows_submitted():
    facts = service(uses_live_data=True)
    old = verified("LD-1", on=dt.date(2024, 1, 1), pack_version="1", pack_date=dt.date(2024, 1, 1))
    new = EvidenceFacts(2, "LD-1", "submitted", dt.date(2026, 6, 1))
    assert status(run(facts, [old, new]), "LD-1") == "submitted"


def test_waiver_satisfies_until_it_expires():
    waiver = WaiverFacts(
        "AS-5", "Governance run centrally", dt.date(2026, 1, 1), dt.date(2026, 7, 1)
    )
    waived = run(service(), waivers=[waiver]).requirement("AS-5")
    assert waived.status == "waived" and waived.satisfied
    assert "Governance run centrally" in waived.reason
    lapsed = run(service(), waivers=[waiver], today=dt.date(2026, 7, 1)).requirement("AS-5")
    assert lapsed.status == "expired" and not lapsed.satisfied


def test_waiver_without_expiry_never_lapses():
    waiver = WaiverFacts("AS-5", "Not needed", dt.date(2020, 1, 1))
    assert status(run(service(), waivers=[waiver], today=dt.date(2040, 1, 1)), "AS-5") == "waived"


def test_the_latest_waiver_counts():
    old = WaiverFacts("AS-5", "old", dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    new = WaiverFacts("AS-5", "new", dt.date(2026, 3, 1))
    assert status(run(service(), waivers=[new, old]), "AS-5") == "waived"


def test_support_contact_check_decides_ld2():
    assert status(run(service(uses_live_data=True)), "LD-2") == "met"
    missing = run(service(uses_live_data=True, support_contact_email="")).requirement("LD-2")
    assert missing.status == "not_started" and "No support contact" in missing.reason
    bad = run(service(uses_live_data=True, support_contact_email="not-an-email"))
    assert "not a valid email" in bad.requirement("LD-2").reason


def test_pb1_is_met_by_a_verified_pack_dated_after_entering_private_beta():
    entered = {"private_beta": dt.date(2026, 3, 1)}
    facts = service(phase="private_beta", phase_since=dt.date(2026, 3, 1), entered=entered)
    before = verified("LD-1", pack_version="1", pack_date=dt.date(2026, 2, 1))
    after = verified("LD-1", pack_version="2", pack_date=dt.date(2026, 3, 1))
    old = run(facts, [before]).requirement("PB-1")
    assert old.status == "not_started" and "predates private beta" in old.reason
    new = run(facts, [before, after]).requirement("PB-1")
    assert new.status == "met" and new.automatic and "version 2" in new.reason


def test_pb1_ignores_packs_not_yet_verified():
    facts = service(phase="private_beta", entered={"private_beta": dt.date(2026, 3, 1)})
    pack = EvidenceFacts(
        1, "LD-1", "submitted", dt.date(2026, 4, 1), pack_version="2", pack_date=dt.date(2026, 4, 1)
    )
    assert status(run(facts, [pack]), "PB-1") == "not_started"


def test_pb1_before_private_beta_waits_for_evidence():
    assert status(run(service(phase="alpha")), "PB-1") == "not_started"


def test_data_owner_check_decides_lv1():
    assert status(run(service()), "LV-1") == "not_started"
    met = run(service(data_owner="Jo Bloggs")).requirement("LV-1")
    assert met.status == "met" and "Jo Bloggs" in met.reason


def test_lv4_is_not_applicable_unless_the_service_is_critical():
    assert status(run(service(critical=False)), "LV-4") == "not_applicable"
    critical = run(service(critical=True)).requirement("LV-4")
    assert critical.status == "not_started" and "business hours" in critical.reason
    assert status(run(service(critical=True, support_hours="24_7")), "LV-4") == "not_started"
    agreed = [verified("LV-4")]
    assert status(run(service(critical=True, support_hours="24_7"), agreed), "LV-4") == "met"


def test_supplier_contracts_check_decides_as3():
    assert status(run(service()), "AS-3") == "met"  # every component in-house
    current = SupplierFacts("Acme", ((dt.date(2025, 1, 1), dt.date(2027, 1, 1)),))
    lapsed = SupplierFacts("Brill", ((dt.date(2020, 1, 1), dt.date(2021, 1, 1)),))
    none = SupplierFacts("Cog")
    assert status(run(service(suppliers=(current,))), "AS-3") == "met"
    result = run(service(suppliers=(current, lapsed, none))).requirement("AS-3")
    assert result.status == "not_started"
    assert "Brill, Cog" in result.reason


def test_an_undecided_check_leaves_the_requirement_to_evidence():
    declared = AutomaticCheck("reviews.board_passed", "")
    checks = registered_checks() | {"reviews.board_passed": declared}
    assert declared.pending
    assert status(run(service(), checks=checks), "LV-5") == "not_started"
    assert status(run(service(), [verified("LV-5")], checks=checks), "LV-5") == "met"


def test_a_check_registered_by_another_app_decides_its_requirement():
    def board(service, evidence, today):
        return CheckOutcome("met", f"Board green for {service.extra['reviews.board_passed']}")

    checks = registered_checks() | {
        "reviews.board_passed": AutomaticCheck("reviews.board_passed", "", decide=board)
    }
    facts = service(extra={"reviews.board_passed": "flood"})
    result = run(facts, checks=checks).requirement("LV-5")
    assert result.status == "met" and result.reason == "Board green for flood"


def test_gates_for_a_move():
    policy = active_policy()
    ids = lambda facts, to: [g.id for g in gates_for_move(policy, facts, to)]  # noqa: E731
    assert ids(service(phase="discovery"), "alpha") == []
    assert ids(service(phase="alpha"), "public_beta") == ["before-public-beta"]
    assert ids(service(phase="alpha"), "live") == ["before-public-beta", "before-live"]
    assert ids(service(phase="public_beta"), "live") == ["before-live"]
    assert ids(service(phase="live"), "alpha") == []  # moving back passes no gate
    assert ids(service(phase="public_beta"), "retired") == []
    live_data = service(phase="discovery", uses_live_data=True)
    assert ids(live_data, "alpha") == ["live-data"]


def test_blockers_name_every_unsatisfied_requirement_of_the_gates_passed():
    evaluation = run(service(phase="private_beta"))
    assert evaluation.next_phase == "public_beta"
    assert [b.requirement_id for b in evaluation.blockers] == ["PB-1", "PB-2", "PB-3", "PB-4"]
    assert not evaluation.ready
    assert "not started" in evaluation.blockers[0].reason


def test_a_skip_to_live_needs_both_gates():
    blocked = run(service(phase="alpha"), target="live")
    ids = {b.requirement_id for b in blocked.blockers}
    assert {"PB-1", "PUB-1", "LV-5", "AS-1"} <= ids
    assert "LV-4" not in ids and "AS-3" not in ids


def test_live_data_obligations_block_every_forward_move_until_met():
    facts = service(phase="discovery", uses_live_data=True)
    assert [b.requirement_id for b in run(facts).blockers] == ["LD-1"]
    pack = verified("LD-1", pack_version="1", pack_date=dt.date(2026, 3, 1))
    assert run(facts, [pack]).ready


def test_a_service_with_every_requirement_met_is_ready_for_live_and_complete():
    facts = service(
        phase="public_beta",
        critical=True,
        support_hours="24_7",
        uses_live_data=True,
        data_owner="Jo",
        entered={"private_beta": dt.date(2026, 1, 1)},
    )
    evaluation = run(facts, everything_met(facts), target="live")
    assert evaluation.ready and evaluation.percent == 100
    assert all(g.satisfied for g in evaluation.gates)
    assert not evaluation.live_data_flagged


def test_percent_counts_only_requirements_that_apply():
    facts = service(phase="alpha")
    evaluation = run(facts)
    counted = [r for r in evaluation.requirements if r.status != "not_applicable"]
    done = [r for r in counted if r.satisfied]
    assert evaluation.percent == 100 * len(done) // len(counted)
    assert 0 < evaluation.percent < 100
    assert run(facts, [verified(r) for r in MANUAL]).percent > evaluation.percent


def test_gate_results_list_what_is_open():
    evaluation = run(service(phase="private_beta"))
    gate = evaluation.gate("before-public-beta")
    assert not gate.satisfied and gate.open == ("PB-1", "PB-2", "PB-3", "PB-4")
    assert evaluation.gate("live-data").satisfied  # no live data: nothing applies


def test_live_data_overdue_after_its_due_date():
    facts = service(uses_live_data=True, live_data_since=dt.date(2026, 6, 14))
    on_the_day = run(facts, today=dt.date(2026, 6, 14))
    assert on_the_day.live_data_flagged and not on_the_day.live_data_overdue
    assert on_the_day.live_data_due == dt.date(2026, 6, 14)
    assert run(facts, today=dt.date(2026, 6, 15)).live_data_overdue


def test_shown_follows_the_phase_a_requirement_is_due_from():
    evaluation = run(service(phase="alpha"))
    assert evaluation.requirement("AS-1").shown
    assert not evaluation.requirement("PB-1").shown


def test_retired_has_no_next_phase_and_nothing_blocks():
    evaluation = run(service(phase="retired"))
    assert evaluation.next_phase is None and evaluation.ready


def test_next_phase_follows_the_phase_order():
    for phase, following in zip(PHASE_ORDER, PHASE_ORDER[1:], strict=False):
        assert run(service(phase=phase)).next_phase == following


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
    ],
)
def test_add_months_keeps_to_the_calendar(start, months, expected):
    assert add_months(start, months) == expected
