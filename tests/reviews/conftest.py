"""A board of the ``own`` group that met yesterday, chaired by its OSR manager, with a panel
of two signed-in specialists and a service of ``own`` in private beta on its agenda."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from osr.reviews.models import AgendaItem, PanelMember, ReviewBoard

from ..conftest import make_user
from ..factories import PersonFactory, ServiceFactory, TeamFactory
from .factories import AgendaItemFactory, PanelMemberFactory, ReviewBoardFactory


@dataclass
class Board:
    board: ReviewBoard
    item: AgendaItem
    service: object
    security: PanelMember
    architecture: PanelMember
    security_user: object
    architecture_user: object


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def held(users) -> Board:
    """A board that has met, with a service on its agenda and no outcome yet."""
    team = TeamFactory(
        name="Waste team", delivery_group=users.own, contact_email="waste-team@defra.example"
    )
    service = ServiceFactory(
        name="Waste permits",
        slug="waste",
        delivery_group=users.own,
        delivery_team=team,
        phase="private_beta",
    )
    board = ReviewBoardFactory(delivery_group=users.own, chair=users.osr_manager.person)
    security_user = make_user("sec", "viewer")
    architecture_user = make_user("arch", "viewer")
    security = PanelMemberFactory(board=board, person=security_user.person, specialism="Security")
    architecture = PanelMemberFactory(
        board=board, person=architecture_user.person, specialism="Architecture"
    )
    item = AgendaItemFactory(board=board, service=service)
    return Board(board, item, service, security, architecture, security_user, architecture_user)


@pytest.fixture
def owner(db):
    return PersonFactory(name="Olu Owner", email="olu@defra.example")


@pytest.fixture
def told(monkeypatch):
    """The emails review boards send, as (recipients, subject, body), caught at the one seam."""
    sent: list[tuple[list[str], str, str]] = []

    def send_email(to, subject, body, *args, **kwargs):
        sent.append(([to] if isinstance(to, str) else list(to), subject, body))

    monkeypatch.setattr("osr.reviews.notices.notify.send_email", send_email)
    return sent
