"""The guide assembled from what OSR holds: 19 sections in order, each knowing what it lacks."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Dependency
from osr.guides.assembly import assemble, assemble_many
from osr.guides.choices import SECTIONS
from osr.guides.models import OperationsProfile
from osr.reviews.models import Action, AgendaItem, Decision, Rehearsal, ReviewBoard

from ..factories import ServiceFactory
from .conftest import TODAY, make_complete_service

pytestmark = pytest.mark.django_db


def facts_of(guide, number):
    return dict(guide.section(number).facts)


def test_a_fully_recorded_service_has_all_19_sections_complete_in_order(complete_service):
    guide = assemble(complete_service, today=TODAY)
    assert [(s.number, s.title) for s in guide.sections] == [(n, t) for n, _k, t in SECTIONS]
    assert [s.heading for s in guide.incomplete] == []
    assert guide.complete


def test_sections_carry_the_catalogue_profile_and_evidence(complete_service):
    guide = assemble(complete_service, today=TODAY)
    assert facts_of(guide, 2)["Purpose"] == "Pays farmers their grants"
    assert facts_of(guide, 13)["Recovery time objective (RTO)"] == "4 hours"
    assert facts_of(guide, 13)["Recovery point objective (RPO)"] == "15 minutes"
    assert facts_of(guide, 8)["Availability target"] == "99.9%"
    assert facts_of(guide, 15)["Security assurance pack"].startswith("Version 2.1, dated 1 Feb")
    assert "Standard, normal and emergency routes" in facts_of(guide, 11)["Change model"]
    components = guide.section(4).tables[0]
    assert [row[0] for row in components.rows] == ["Component 00", "Component 01"]
    depends_on = guide.section(5).tables[0]
    assert depends_on.rows[0][0] == "Upstream 00"
    assert depends_on.rows[0][-1] == "Claims stop if upstream 00 fails"
    assert guide.section(17).tables[0].rows[0][:2] == ["CON-pay-farmers", "Hosting Ltd"]


def test_the_readiness_requirement_the_guide_decides_is_left_out_of_it(complete_service):
    requirements = assemble(complete_service, today=TODAY).section(19).tables[0]
    shown = [row[0].split(":")[0] for row in requirements.rows]
    assert "AS-4" not in shown and "LD-1" in shown


def test_each_blank_written_field_is_named_as_missing_in_its_section(complete_service):
    OperationsProfile.objects.filter(service=complete_service).update(
        rto=None, escalation_path="", dpia_status="in_progress"
    )
    guide = assemble(complete_service, today=TODAY)
    assert guide.section(13).missing == ["The recovery time objective (RTO)"]
    assert guide.section(10).missing == ["The escalation path"]
    assert guide.section(16).missing == ["A completed data protection impact assessment"]
    assert [s.number for s in guide.incomplete] == [10, 13, 16]
    assert not guide.complete


def test_a_service_with_nothing_recorded_says_what_every_section_lacks(users):
    service = ServiceFactory(delivery_group=users.own, support_contact_email="")
    guide = assemble(service, today=TODAY)
    assert guide.section(1).complete  # the group has both approvers
    # Nothing depended on and no supplier are complete answers for 5 and 17.
    assert [s.number for s in guide.incomplete] == [n for n in range(2, 20) if n not in (5, 17)]
    assert "The service's components (in the catalogue)" in guide.section(4).missing
    assert "A support contact email address" in guide.section(6).missing


def test_a_dependency_without_its_impact_described_leaves_dependencies_incomplete(
    complete_service,
):
    Dependency.objects.filter(from_service=complete_service).update(description="")
    missing = assemble(complete_service, today=TODAY).section(5).missing
    assert missing == [
        "The impact if Upstream 00 is unavailable (on the dependency)",
        "The impact if Upstream 01 is unavailable (on the dependency)",
    ]


def test_a_critical_service_must_have_service_levels_incidents_and_continuity(users):
    service = make_complete_service(users.own, critical=True)
    assert assemble(service, today=TODAY).critical_incomplete() == []
    OperationsProfile.objects.filter(service=service).update(
        slos="", severities="", recovery_steps=""
    )
    guide = assemble(service, today=TODAY)
    assert guide.critical_incomplete() == [
        "8. Service levels",
        "10. Incident management and escalation",
        "13. Continuity, disaster recovery and backup",
    ]


def test_a_service_that_is_not_critical_is_not_held_to_the_critical_sections(complete_service):
    OperationsProfile.objects.filter(service=complete_service).update(slos="")
    guide = assemble(complete_service, today=TODAY)
    assert not guide.section(8).complete
    assert guide.critical_incomplete() == []


def test_a_critical_service_needs_24_7_cover_and_a_reason(users):
    service = make_complete_service(users.own, critical=True)
    service.support_hours, service.critical_reason = "business_hours", ""
    service.save()
    missing = assemble(service, today=TODAY).section(3).missing
    assert "Why the service is critical (in the catalogue)" in missing
    assert "A critical service needs 24/7 support; its hours are business hours" in missing


def test_board_outcomes_open_actions_and_rehearsals_feed_the_guide(complete_service, users):
    owner = complete_service.service_owner
    board = ReviewBoard.objects.create(
        delivery_group=users.own,
        starts_at=dt.datetime(2026, 2, 2, 10, tzinfo=dt.UTC),
        place="Room 1",
        chair=owner,
    )
    item = AgendaItem.objects.create(board=board, service=complete_service)
    Decision.objects.create(item=item, outcome="amber", summary="Fix the alerts")
    Action.objects.create(
        service=complete_service,
        source="condition",
        description="Route alerts to the on-call rota",
        owner=owner,
        due_on=dt.date(2026, 3, 1),
    )
    Rehearsal.objects.create(
        service=complete_service,
        kind="incident",
        held_on=dt.date(2026, 2, 20),
        scenario="Database failover",
        participants="Ann\nBob",
        outcome="Recovered in 40 minutes",
    )
    guide = assemble(complete_service, today=TODAY)
    acceptance = guide.section(19)
    assert facts_of(guide, 19)["Review board outcome"].startswith("Amber: approved with conditions")
    actions = next(t for t in acceptance.tables if t.caption.startswith("Open actions"))
    assert actions.rows == [
        ["Route alerts to the on-call rota", "Owner Person", "1 March 2026", "Yes"]
    ]
    incidents = guide.section(10).tables[0]
    assert incidents.rows == [
        ["Incident", "20 February 2026", "Database failover", "Recovered in 40 minutes"]
    ]


def test_assembling_many_guides_takes_the_same_queries_for_3_or_12_services(users):
    first = [make_complete_service(users.own, name=f"S{n}", slug=f"s{n}") for n in range(3)]

    def queries(services):
        with CaptureQueriesContext(connection) as captured:
            guides = assemble_many([s.pk for s in services], today=TODAY)
        assert len(guides) == len(services)
        return len(captured)

    few = queries(first)
    more = first + [
        make_complete_service(users.own, name=f"T{n}", slug=f"t{n}", components=3) for n in range(9)
    ]
    assert queries(more) == few


def test_the_fingerprint_changes_only_when_what_the_guide_is_built_from_changes(
    complete_service,
):
    before = assemble(complete_service, today=TODAY).fingerprint()
    assert assemble(complete_service, today=TODAY).fingerprint() == before
    OperationsProfile.objects.filter(service=complete_service).update(scaling="Vertically")
    assert assemble(complete_service, today=TODAY).fingerprint() != before
