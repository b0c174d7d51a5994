"""Who may do what with review boards (``reviews/rules.py``)."""

import pytest

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db

ROLES = ["viewer", "delivery", "osr_manager", "live_services_manager", "admin", "outsider"]


def allowed(users, perm, obj=None) -> set[str]:
    return {role for role in ROLES if users.by_role(role).has_perm(perm, obj)}


def test_osr_managers_schedule_and_run_boards_for_their_own_groups(users, held):
    assert allowed(users, "reviews.add_reviewboard", users.own) == {"osr_manager", "admin"}
    assert allowed(users, "reviews.add_reviewboard", users.other) == {"admin"}
    assert allowed(users, "reviews.change_reviewboard", held.board) == {"osr_manager", "admin"}
    own_service = ServiceFactory(delivery_group=users.own)
    other_service = ServiceFactory(delivery_group=users.other)
    assert allowed(users, "reviews.add_agendaitem", own_service) == {"osr_manager", "admin"}
    assert allowed(users, "reviews.add_agendaitem", other_service) == {"admin"}


def test_only_the_panel_assesses_and_everyone_signed_in_reads(users, held, page):
    # A superuser holds every permission, but the assessment itself needs a seat on the panel.
    assert allowed(users, "reviews.assess", held.board) == {"admin"}
    assert page("admin").get(f"{held.item.get_absolute_url()}/assessment").status_code == 403
    assert held.security_user.has_perm("reviews.assess", held.board)
    assert allowed(users, "reviews.view_reviewboard", held.board) == set(ROLES)
    assert allowed(users, "reviews.view_action") == set(ROLES)


def test_pages_refuse_what_the_rules_refuse(page, users, held):
    board = held.board.pk
    assert page("delivery").get(f"/review-boards/{board}/edit").status_code == 403
    assert page("outsider").get(f"/review-boards/{board}/agenda").status_code == 403
    assert page("viewer").get(f"/review-boards/{board}/panel").status_code == 403
    assert page("osr_manager").get(f"/review-boards/{board}/panel").status_code == 200
