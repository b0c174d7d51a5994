"""The home page brings each person the work of every role they hold, at a fixed cost."""

import datetime as dt

import lxml.html
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.guides.models import GuideVersion

from ..factories import DependencyFactory, ServiceFactory, TeamFactory
from ..readiness.factories import EvidenceFactory, WaiverFactory
from ..reviews.factories import ActionFactory, AgendaItemFactory, ReviewBoardFactory
from . import home_estate
from .home_estate import ago

estate = home_estate.estate  # the fixture


def text(response) -> str:
    """The main part of the page as a person reads it: its words, single-spaced."""
    assert response.status_code == 200
    main = lxml.html.fromstring(response.content.decode()).get_element_by_id("main-content")
    return " ".join(main.text_content().split())


def section(response, heading: str) -> str:
    """The words of the home page section with this heading."""
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    for part in page.find_class("osr-home-section"):
        if " ".join(part.findtext("h3").split()) == heading:
            return " ".join(part.text_content().split())
    raise AssertionError(f"no section headed {heading!r}")


def test_signed_out_people_are_told_what_osr_is(client, users):
    body = text(client.get("/"))
    assert "safe, secure and supportable" in body
    assert "Sign in" in body
    assert "Your work" not in body


def test_a_viewer_sees_what_osr_is_and_where_to_find_things(page, estate):
    home = page("viewer").get("/")
    body = text(home)
    assert "Operational Service Readiness" in body
    assert "Your work" not in body
    assert "Change history" in body


def test_the_delivery_member_sees_their_services_and_what_is_due(page, estate):
    home = page("delivery").get("/")
    body = text(home)
    assert "Your work" in body
    services = section(home, "Your services")
    assert "Waste permits" in services and "Flood alerts" in services
    assert "Rod fishing licence" not in services  # not their team's
    assert "Before public beta:" in services
    assert "PB-1 Security assurance pack updated" in services
    assert "Live data due" in services  # flood uses live data with LD-1 outstanding


def test_the_delivery_member_sees_rejected_evidence_with_the_reason(page, estate):
    redo = section(page("delivery").get("/"), "Evidence to redo")
    assert "PB-3 Configuration and support information uploaded to MyIT" in redo
    assert "The MyIT record names no support group" in redo
    assert "AS-2" not in redo  # submitted again since


def test_the_delivery_member_sees_their_next_board_and_open_actions(page, estate):
    home = page("delivery").get("/")
    board = section(home, "Your next review board")
    assert "Seacole Building, room 3.01" in board and "Waste permits" in board
    actions = section(home, "Your open actions")
    assert "Write the failover runbook" in actions
    assert "Test the backups" not in actions  # owned by someone else


def test_the_osr_manager_sees_the_oldest_evidence_of_their_groups_first(page, estate):
    home = page("osr_manager").get("/")
    queue = section(home, "Evidence awaiting your verification")
    assert queue.index("AS-2") < queue.index("PB-4") < queue.index("AS-1")
    assert "Water abstraction" not in queue  # another group's, though older


def test_the_osr_manager_sees_boards_overdue_actions_live_data_and_expiries(page, estate):
    home = page("osr_manager").get("/")
    boards = section(home, "Review boards coming up")
    assert boards.count("chaired by Osr Manager") == 2  # not the other group's board
    overdue = section(home, "Overdue actions")
    assert "Test the backups" in overdue and "Sam Support" in overdue
    assert "Not yours to chase" not in overdue
    assert "Write the failover runbook" not in overdue  # not yet due
    live_data = section(home, "Services newly using live data")
    assert "Flood alerts" in live_data
    assert "Rod fishing licence" not in live_data  # its live-data requirements are met
    expiring = section(home, "Waivers and evidence expiring within 30 days")
    assert "LD-1 Security assurance pack completed" in expiring
    assert "Rod fishing licence: verified evidence" in expiring
    assert "AS-5 Governance processes followed" in expiring
    assert "Rod fishing licence: waiver" in expiring


def test_the_live_services_manager_sees_live_services_changes_and_guides(page, estate):
    home = page("live_services_manager").get("/")
    live = section(home, "Your live services")
    assert "Rod fishing licence" in live and "Waste permits" not in live
    changes = section(home, "Changes near your live services")
    assert "Flood alerts: Change from GitHub: Raise the alert thresholds" in changes
    assert "Added dependency" in changes
    assert "Depends on Rod fishing licence" in changes
    guides = section(home, "Operations guides awaiting your approval")
    assert "Rod fishing licence, version 1" in guides


def test_a_guide_approved_by_the_manager_no_longer_awaits_them(page, estate, users):
    GuideVersion.objects.filter(service=estate.rod).update(
        live_services_manager_approved_at=timezone.now(), live_services_manager_approver="LSM"
    )
    home = page("live_services_manager").get("/")
    guides = section(home, "Operations guides awaiting your approval")
    assert "No operations guide awaits your approval" in guides
    # The OSR manager's approval is still wanted.
    osr = section(page("osr_manager").get("/"), "Operations guides awaiting your approval")
    assert "Rod fishing licence, version 1" in osr


def test_the_administrator_sees_the_estate_and_groups_without_managers(page, estate):
    home = page("admin").get("/")
    body = text(home)
    assert "4 services in 2 delivery groups" in section(home, "The estate")
    assert "Readiness across the estate" in body
    needing = section(home, "Delivery groups that need an administrator")
    assert "Environment" in needing and "No OSR manager" in needing
    assert "Farming and countryside" not in needing


def test_a_manager_who_lost_the_role_leaves_the_group_needing_one(page, estate, users):
    users.osr_manager.groups.set([Group.objects.get(name="viewer")])
    needing = section(page("admin").get("/"), "Delivery groups that need an administrator")
    assert "Osr Manager, named as OSR manager, does not hold the role" in needing


def test_a_person_with_several_roles_sees_each_roles_sections(page, estate, users):
    users.osr_manager.groups.add(Group.objects.get(name="live_services_manager"))
    users.own.live_services_manager = users.osr_manager.person
    users.own.save()
    home = page("osr_manager").get("/")
    body = text(home)
    assert "Evidence awaiting your verification" in body
    assert "Your live services" in body
    assert body.index("OSR manager") < body.index("Live services manager")


def test_empty_sections_say_there_is_nothing_to_do(page, users):
    home = page("osr_manager").get("/")
    body = text(home)
    assert "Nothing awaits your verification." in body
    assert "No action in your groups is overdue." in body
    home = page("delivery").get("/")
    body = text(home)
    assert "You are not in the team of any service" in body


def grow(users, n: int, start: int) -> None:
    """More services in the ``own`` group with evidence, boards, actions and guides."""
    today = timezone.localdate()
    team = TeamFactory(delivery_group=users.own)
    team.members.add(users.delivery.person)
    for i in range(start, start + n):
        service = ServiceFactory(
            name=f"Grown {i:03d}",
            slug=f"grown-{i}",
            delivery_group=users.own,
            delivery_team=team,
            phase="live" if i % 3 == 0 else "alpha",
            uses_live_data=True,
        )
        EvidenceFactory(service=service, requirement_id="AS-1", submitted_at=ago(i % 20))
        EvidenceFactory(
            service=service,
            requirement_id="PB-4",
            status="rejected",
            reviewed_at=ago(1),
            review_note="Not enough",
        )
        WaiverFactory(service=service, expires_on=today + dt.timedelta(days=5))
        ActionFactory(service=service, owner=users.delivery.person, due_on=today - dt.timedelta(1))
        board = ReviewBoardFactory(
            delivery_group=users.own, chair=users.osr_manager.person, starts_at=ago(-(i % 9) - 1)
        )
        AgendaItemFactory(board=board, service=service)
        GuideVersion.objects.create(service=service, number=1, data={}, fingerprint="a")
        if i % 3:
            DependencyFactory(
                from_service=service,
                to_service=ServiceFactory(
                    delivery_group=users.own, phase="live", slug=f"live-{i}", name=f"Live {i}"
                ),
            )


def home_queries(client) -> int:
    client.get("/")  # warms the caches a page is not charged for: the graph index, the figures
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["delivery", "osr_manager", "live_services_manager", "admin"])
def test_the_home_page_costs_the_same_for_a_small_and_a_large_estate(page, users, role):
    client = page(role)
    grow(users, 3, 0)
    few = home_queries(client)
    grow(users, 30, 3)
    many = home_queries(client)
    assert many == few, f"{few} queries for a small estate, {many} for a large one"
    assert few <= QUERIES[role]


# The most queries each role's home page may make, whatever the size of the estate: the
# session and user, then a few per section; evaluating a portfolio takes about ten.
QUERIES = {"delivery": 32, "osr_manager": 34, "live_services_manager": 18, "admin": 12}


def test_contacts_due_to_be_confirmed_are_on_the_team_and_osr_manager_homes(page, estate):
    from osr.catalogue.models import Service

    Service.objects.filter(name="Waste permits").update(contacts_confirmed_on=timezone.localdate())
    for role in ("delivery", "osr_manager"):
        due = section(page(role).get("/"), "Contacts to confirm")
        assert "Flood alerts" in due and "Never" in due
        assert "Waste permits" not in due
    Service.objects.update(contacts_confirmed_on=timezone.localdate())
    assert "Every service's contacts have been confirmed recently" in section(
        page("delivery").get("/"), "Contacts to confirm"
    )
