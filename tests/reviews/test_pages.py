"""The review board pages: boards, a board, the assessment and outcome forms, actions,
and the review board and rehearsal sections of the service page."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from osr.reviews.choices import Criterion
from osr.reviews.models import Action, AgendaItem, Assessment, Decision, Rehearsal, ReviewBoard

from ..factories import PersonFactory, ServiceFactory
from .factories import ActionFactory, RehearsalFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db


def board_form(users, day, **changes):
    return {
        "delivery_group": users.own.slug,
        "day": day.isoformat(),
        "time": "10:30",
        "place": "Seacole Building",
        "call_link": "",
        "chair": users.osr_manager.person.pk,
    } | changes


def test_the_boards_list_shows_upcoming_past_and_services_needing_a_board(page, users, held):
    ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    ServiceFactory(name="Fish exports", delivery_group=users.own, phase="private_beta")
    ServiceFactory(name="Flood alerts", delivery_group=users.own, phase="public_beta")
    response = page("viewer").get("/review-boards")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Upcoming boards" in body and "Past boards" in body
    assert "Fish exports" in body and "Review board needed" in body
    assert "Flood alerts" in body and "In public beta with no review board scheduled" in body
    assert "Waste permits" in body  # on the past board's agenda, so not needing one
    assert "Schedule a board" not in body


def test_an_osr_manager_schedules_a_board_but_not_in_the_past(page, users, today):
    client = page("osr_manager")
    response = client.post("/review-boards/new", board_form(users, today - dt.timedelta(days=1)))
    assert response.status_code == 422
    assert "A board cannot be scheduled in the past" in response.content.decode()
    assert not ReviewBoard.objects.exists()

    response = client.post("/review-boards/new", board_form(users, today + dt.timedelta(days=7)))
    board = ReviewBoard.objects.get()
    assert response.status_code == 302 and response["Location"] == board.get_absolute_url()


def test_only_osr_managers_of_the_group_schedule_its_boards(page, users, today):
    assert page("delivery").get("/review-boards/new").status_code == 403
    assert page("viewer").get("/review-boards/new").status_code == 403
    response = page("osr_manager").post(
        "/review-boards/new",
        board_form(users, today + dt.timedelta(days=7), delivery_group=users.other.slug),
    )
    assert response.status_code == 422 and not ReviewBoard.objects.exists()


def test_the_board_page_shows_the_panel_and_agenda(page, held):
    response = page("viewer").get(held.board.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Security" in body and "Architecture" in body and "Waste permits" in body
    assert "Add a service to the agenda" not in body


def test_putting_a_service_on_the_agenda_from_the_page(
    page, users, django_capture_on_commit_callbacks
):
    board = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    service = ServiceFactory(
        name="Fish exports", delivery_group=users.own, support_contact_email="fish@defra.example"
    )
    client = page("osr_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review-boards/{board.pk}/agenda", {"service": service.slug})
    item = AgendaItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert mail.outbox[0].to == ["fish@defra.example"]

    other = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=timezone.now() + dt.timedelta(days=9),
    )
    response = client.post(f"/review-boards/{other.pk}/agenda", {"service": service.slug})
    assert response.status_code == 409
    assert "a service is on one open board at a time" in response.content.decode()


def test_panel_members_are_added_from_the_page(page, users, held):
    person = PersonFactory(name="Dee Protection")
    response = page("osr_manager").post(
        f"/review-boards/{held.board.pk}/panel",
        {"person": person.pk, "specialism": "Data protection"},
    )
    assert response.status_code == 302
    response = page("osr_manager").post(
        f"/review-boards/{held.board.pk}/panel", {"person": person.pk, "specialism": "Security"}
    )
    assert response.status_code == 409 and "already on the panel" in response.content.decode()


def ratings(rating="green", **changes):
    data = {}
    for c in Criterion:
        data[f"{c.value}_rating"] = rating
        data[f"{c.value}_comment"] = "Checked"
    return data | changes


def test_a_panel_member_saves_returns_and_submits_the_assessment(held, page):
    client = page("viewer")
    client.force_login(held.security_user)
    url = f"{held.item.get_absolute_url()}/assessment"
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"uptime_rating": "amber", "uptime_comment": "Slow", "action": "save"}
    )
    assert response.status_code == 302
    assert 'value="amber" checked' in client.get(url).content.decode()

    response = client.post(url, {"uptime_rating": "amber", "action": "submit"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Rate this criterion before you submit" in body and "Say why you rated it amber" in body

    response = client.post(url, ratings() | {"action": "submit"})
    assert response.status_code == 302
    assert Assessment.objects.get().submitted
    assert client.get(url).status_code == 302


def test_someone_off_the_panel_cannot_assess(held, page):
    url = f"{held.item.get_absolute_url()}/assessment"
    assert page("osr_manager").get(url).status_code == 403
    assert page("osr_manager").post(url, ratings() | {"action": "submit"}).status_code == 403


def test_others_ratings_show_on_the_page_after_submitting(held, page):
    from osr.reviews import services

    services.save_assessment(
        held.item,
        by=held.architecture_user,
        ratings={c.value: ("red", "Architecture concern") for c in Criterion},
        submit=True,
    )
    client = page("viewer")
    client.force_login(held.security_user)
    assert "Architecture concern" not in client.get(held.item.get_absolute_url()).content.decode()
    services.save_assessment(
        held.item,
        by=held.security_user,
        ratings={c.value: ("green", "") for c in Criterion},
        submit=True,
    )
    assert "Architecture concern" in client.get(held.item.get_absolute_url()).content.decode()


def outcome_form(outcome, summary="Summary", conditions=()):
    data = {
        "outcome": outcome,
        "summary": summary,
        "conditions-TOTAL_FORMS": "3",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "20",
    }
    for n, (description, owner, due) in enumerate(conditions):
        data |= {
            f"conditions-{n}-description": description,
            f"conditions-{n}-owner": owner,
            f"conditions-{n}-due_on": due,
        }
    return data


def test_the_chair_records_an_amber_outcome_with_conditions(held, page, owner, today):
    url = f"{held.item.get_absolute_url()}/outcome"
    client = page("osr_manager")
    response = client.post(url, outcome_form("amber"))
    assert response.status_code == 422
    assert "An amber outcome needs at least one condition" in response.content.decode()
    assert not Decision.objects.exists()

    due = (today + dt.timedelta(days=30)).isoformat()
    response = client.post(url, outcome_form("amber", conditions=[("Add alerting", owner.pk, due)]))
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert Action.objects.get().owner == owner

    response = client.post(url, outcome_form("green"))
    assert response.status_code == 409
    assert "An outcome is already recorded" in response.content.decode()

    response = client.post(f"{url}?corrects={decision.pk}", outcome_form("green", "Corrected"))
    assert response.status_code == 302
    assert Decision.objects.filter(corrects=decision).exists()


def test_a_panel_member_cannot_record_the_outcome(held, page):
    client = page("viewer")
    client.force_login(held.security_user)
    url = f"{held.item.get_absolute_url()}/outcome"
    assert client.post(url, outcome_form("green")).status_code == 403


def test_the_actions_list_shows_open_actions_overdue_first_and_filters(page, users, today):
    mine = users.osr_manager.person
    service = ServiceFactory(name="Waste permits", delivery_group=users.own)
    elsewhere = ServiceFactory(name="Fish exports", delivery_group=users.other)
    ActionFactory(service=service, description="Later one", due_on=today + dt.timedelta(days=9))
    ActionFactory(
        service=service, description="Overdue one", due_on=today - dt.timedelta(days=2), owner=mine
    )
    ActionFactory(service=elsewhere, description="Other group", due_on=today + dt.timedelta(days=1))
    closed = ActionFactory(service=service, description="Closed one")
    closed.close(by=None)

    client = page("viewer")
    body = client.get("/actions").content.decode()
    assert body.index("Overdue one") < body.index("Other group") < body.index("Later one")
    assert "Closed one" not in body and "Overdue</strong>" in body

    body = client.get("/actions", {"group": users.other.slug}).content.decode()
    assert "Other group" in body and "Overdue one" not in body
    body = client.get("/actions", {"owner": mine.pk}).content.decode()
    assert "Overdue one" in body and "Later one" not in body
    body = client.get("/actions", {"status": "closed"}).content.decode()
    assert "Closed one" in body and "Later one" not in body


def test_an_action_is_closed_from_its_page(page, users):
    action = ActionFactory(service=ServiceFactory(delivery_group=users.own))
    assert page("viewer").post(action.get_absolute_url(), {"note": "x"}).status_code == 403
    response = page("osr_manager").post(action.get_absolute_url(), {"note": "Done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "closed" and action.closing_note == "Done"


def test_the_service_page_nudges_a_service_in_private_beta_towards_a_board(page, users):
    service = ServiceFactory(name="Fish exports", delivery_group=users.own, phase="private_beta")
    body = page("viewer").get(service.get_absolute_url()).content.decode()
    assert "Review board needed" in body
    body = page("viewer").get(service.get_absolute_url() + "/operations").content.decode()
    assert "Live service rehearsals" in body and "No rehearsal recorded" in body


def test_rehearsals_are_recorded_and_findings_raised_from_the_service_page(
    page, users, today, owner
):
    service = ServiceFactory(name="Fish exports", delivery_group=users.own, phase="private_beta")
    client = page("delivery")
    response = client.post(
        f"/services/{service.slug}/rehearsals/new",
        {
            "kind": "change",
            "held_on": today.isoformat(),
            "scenario": "Deploy a schema change",
            "participants": "Ada\nGrace",
            "outcome": "Deployed without downtime",
            "findings": "Rollback took too long",
        },
    )
    rehearsal = Rehearsal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/services/{service.slug}/rehearsals/{rehearsal.pk}"
    body = client.get(service.get_absolute_url() + "/operations").content.decode()
    assert "Deploy a schema change" in body

    finding = rehearsal.findings.get()
    url = f"/services/{service.slug}/rehearsals/{rehearsal.pk}/findings/{finding.pk}/action"
    response = client.post(
        url, {"owner": owner.pk, "due_on": (today - dt.timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 422 and "cannot be in the past" in response.content.decode()
    response = client.post(
        url, {"owner": owner.pk, "due_on": (today + dt.timedelta(days=7)).isoformat()}
    )
    assert response.status_code == 302
    assert Action.objects.get().finding == finding

    response = page("outsider").get(f"/services/{service.slug}/rehearsals/new")
    assert response.status_code == 403


def test_a_future_rehearsal_is_refused_on_the_page(page, users, today):
    service = ServiceFactory(delivery_group=users.own)
    response = page("delivery").post(
        f"/services/{service.slug}/rehearsals/new",
        {
            "kind": "incident",
            "held_on": (today + dt.timedelta(days=2)).isoformat(),
            "scenario": "x",
            "participants": "y",
            "outcome": "z",
        },
    )
    assert response.status_code == 422
    assert "Record a rehearsal once it has been held" in response.content.decode()
    assert not Rehearsal.objects.exists()


def test_the_navigation_links_to_review_boards(page):
    assert 'href="/review-boards"' in page("viewer").get("/review-boards").content.decode()


def test_rehearsal_factory_default_is_recent(today):
    assert RehearsalFactory.build().held_on < today


def test_editing_a_board_shows_a_colleagues_change_instead_of_overwriting_it(held, page):
    from osr.reviews.models import ReviewBoard

    path = f"{held.board.get_absolute_url()}/edit"
    client = page("osr_manager")
    html = client.get(path).content.decode()
    token = html.split('name="_version" value="')[1].split('"')[0]
    ReviewBoard.objects.filter(pk=held.board.pk).update(place="Room 101, Nobel House")
    response = client.post(path, {"place": "Somewhere else", "_version": token})
    assert response.status_code == 409
    assert "Someone else changed this while you were editing" in response.content.decode()
    assert ReviewBoard.objects.get(pk=held.board.pk).place == "Room 101, Nobel House"
