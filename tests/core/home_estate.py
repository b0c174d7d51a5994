"""An estate with work waiting for each role, for the home page's tests and journeys."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from osr.devtools.models import ChangeRequest
from osr.guides.models import GuideVersion

from ..factories import DependencyFactory, PersonFactory, ServiceFactory, TeamFactory
from ..readiness.factories import EvidenceFactory, WaiverFactory
from ..reviews.factories import ActionFactory, AgendaItemFactory, ReviewBoardFactory


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@dataclass
class Estate:
    waste: object
    flood: object
    rod: object
    water: object


@pytest.fixture
def estate(users) -> Estate:
    """The ``own`` group's services, with work for each of its people, and some of ``other``'s."""
    today = timezone.localdate()
    team = TeamFactory(name="Waste team", delivery_group=users.own)
    team.members.add(users.delivery.person)
    waste = ServiceFactory(
        name="Waste permits",
        slug="waste",
        delivery_group=users.own,
        delivery_team=team,
        phase="private_beta",
    )
    flood = ServiceFactory(
        name="Flood alerts",
        slug="flood",
        delivery_group=users.own,
        delivery_team=team,
        phase="alpha",
        uses_live_data=True,
        live_data_since=today - dt.timedelta(days=3),
    )
    rod = ServiceFactory(
        name="Rod fishing licence",
        slug="rod",
        delivery_group=users.own,
        phase="live",
        critical=True,
        uses_live_data=True,
        live_data_since=today - dt.timedelta(days=900),
    )
    outsiders = TeamFactory(name="Water team", delivery_group=users.other)
    outsiders.members.add(users.outsider.person)
    water = ServiceFactory(
        name="Water abstraction",
        slug="water",
        delivery_group=users.other,
        delivery_team=outsiders,
        phase="public_beta",
    )
    submitter = users.delivery
    EvidenceFactory(service=water, requirement_id="AS-1", submitted_at=ago(20))
    EvidenceFactory(
        service=waste, requirement_id="AS-1", submitted_at=ago(1), submitted_by=submitter
    )
    EvidenceFactory(
        service=waste, requirement_id="PB-4", submitted_at=ago(6), submitted_by=submitter
    )
    EvidenceFactory(
        service=waste,
        requirement_id="PB-3",
        status="rejected",
        submitted_at=ago(9),
        reviewed_at=ago(8),
        reviewed_by=users.osr_manager,
        review_note="The MyIT record names no support group",
    )
    # Rejected, then submitted again: nothing left to redo.
    EvidenceFactory(
        service=waste,
        requirement_id="AS-2",
        status="rejected",
        submitted_at=ago(12),
        reviewed_at=ago(11),
        review_note="Stakeholder list is empty",
    )
    EvidenceFactory(service=waste, requirement_id="AS-2", submitted_at=ago(10))
    # Verified eleven months and a half ago: valid for twelve, so it ends within 30 days.
    EvidenceFactory(
        service=rod,
        requirement_id="LD-1",
        status="verified",
        submitted_at=ago(350),
        reviewed_at=ago(349),
        pack_version="3.1",
        pack_date=today - dt.timedelta(days=350),
    )
    WaiverFactory(
        service=rod,
        requirement_id="AS-5",
        expires_on=today + dt.timedelta(days=10),
        reason="Governance is run by the programme",
    )
    ReviewBoardFactory(delivery_group=users.own, chair=users.osr_manager.person, starts_at=ago(-7))
    board = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=ago(-3),
        place="Seacole Building, room 3.01",
    )
    AgendaItemFactory(board=board, service=waste)
    ReviewBoardFactory(delivery_group=users.other, chair=PersonFactory(), starts_at=ago(-2))
    ActionFactory(
        service=waste,
        owner=users.delivery.person,
        description="Write the failover runbook",
        due_on=today + dt.timedelta(days=5),
    )
    ActionFactory(
        service=rod,
        owner=PersonFactory(name="Sam Support"),
        description="Test the backups",
        due_on=today - dt.timedelta(days=4),
    )
    ActionFactory(
        service=water,
        owner=users.outsider.person,
        description="Not yours to chase",
        due_on=today - dt.timedelta(days=9),
    )
    GuideVersion.objects.create(service=rod, number=1, data={}, fingerprint="a")
    DependencyFactory(from_service=flood, to_service=rod, kind="api")
    ChangeRequest.objects.create(
        service=flood,
        host="github",
        delivery_id="d-1",
        event="deployment",
        summary="Raise the alert thresholds",
    )
    return Estate(waste, flood, rod, water)
