"""The review board API: boards, panel, agenda, assessments, outcomes, actions, rehearsals."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from osr.reviews.choices import Criterion
from osr.reviews.models import Action, AgendaItem, Decision, Rehearsal, ReviewBoard

from ..conftest import ApiClient
from ..factories import PersonFactory, ServiceFactory
from .factories import ActionFactory, RehearsalFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db

ALL_GREEN = {c.value: {"rating": "green", "comment": "Fine"} for c in Criterion}


def board_body(users, when, **changes):
    return {
        "delivery_group": users.own.slug,
        "starts_at": when.isoformat(),
        "place": "Seacole Building",
        "chair": users.osr_manager.person.pk,
    } | changes


def test_scheduling_a_board_through_the_api(api, users):
    when = timezone.now() + dt.timedelta(days=5)
    response = api("osr_manager").post("/api/v1/review-boards", board_body(users, when))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["chair"] == {"id": users.osr_manager.person.pk, "name": "Osr Manager"}
    assert body["delivery_group"] == "farming" and body["agenda"] == []


def test_a_board_in_the_past_is_refused_with_field_errors(api, users):
    when = timezone.now() - dt.timedelta(hours=1)
    response = api("osr_manager").post("/api/v1/review-boards", board_body(users, when))
    assert response.status_code == 422
    assert response.json()["errors"] == {"starts_at": ["A board cannot be scheduled in the past"]}
    response = api("osr_manager").post(
        "/api/v1/review-boards", board_body(users, timezone.now() + dt.timedelta(days=1), place="")
    )
    assert response.json()["errors"] == {"place": ["Enter a place or a call link"]}
    assert not ReviewBoard.objects.exists()


def test_only_a_groups_osr_manager_schedules_its_boards(api, users):
    when = timezone.now() + dt.timedelta(days=5)
    assert api("delivery").post("/api/v1/review-boards", board_body(users, when)).status_code == 403
    response = api("osr_manager").post(
        "/api/v1/review-boards", board_body(users, when, delivery_group=users.other.slug)
    )
    assert response.status_code == 403
    assert api().get("/api/v1/review-boards").status_code == 401


def test_boards_are_listed_upcoming_or_past(api, users, held):
    upcoming = ReviewBoardFactory(
        delivery_group=users.own, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    client = api("viewer")
    listed = client.get("/api/v1/review-boards").json()
    assert [b["id"] for b in listed["results"]] == [upcoming.pk]
    assert (listed["count"], listed["next"], listed["previous"]) == (1, None, None)
    past = client.get("/api/v1/review-boards", when="past").json()["results"]
    assert [b["id"] for b in past] == [held.board.pk]
    assert past[0]["agenda"][0]["service"] == "waste"
    assert {m["specialism"] for m in past[0]["panel"]} == {"Security", "Architecture"}
    assert client.get("/api/v1/review-boards", when="soon").status_code == 422


def test_boards_come_a_page_at_a_time(api, users):
    for days in range(1, 4):
        ReviewBoardFactory(
            delivery_group=users.own, starts_at=timezone.now() + dt.timedelta(days=days)
        )
    client = api("viewer")
    first = client.get("/api/v1/review-boards", page_size=2).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    second = client.get("/api/v1/review-boards", page=2, page_size=2).json()
    assert len(second["results"]) == 1 and second["next"] is None
    starts = [b["starts_at"] for b in first["results"] + second["results"]]
    assert starts == sorted(starts)
    assert client.get("/api/v1/review-boards", page=0).status_code == 422


def test_panel_and_agenda_through_the_api(api, users, django_capture_on_commit_callbacks):
    board = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    client = api("osr_manager")
    person = PersonFactory(email="sec@defra.example")
    response = client.post(
        f"/api/v1/review-boards/{board.pk}/panel", {"person": person.pk, "specialism": "Security"}
    )
    assert response.status_code == 201
    response = client.post(
        f"/api/v1/review-boards/{board.pk}/panel", {"person": person.pk, "specialism": "Alchemy"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"specialism": ["Choose one of the configured specialisms"]}

    service = ServiceFactory(
        slug="fish", delivery_group=users.own, support_contact_email="fish@defra.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/review-boards/{board.pk}/agenda", {"service": "fish"})
    assert response.status_code == 201, response.json()
    assert response.json()["pack"]["service"]["name"] == service.name
    assert [m.to for m in mail.outbox] == [
        ["fish@defra.example"],
        ["sec@defra.example", "osr.manager@defra.example"],
    ]

    other = ReviewBoardFactory(
        delivery_group=users.own, starts_at=timezone.now() + dt.timedelta(days=4)
    )
    response = client.post(f"/api/v1/review-boards/{other.pk}/agenda", {"service": "fish"})
    assert response.status_code == 409
    assert "one open board at a time" in response.json()["errors"]["__all__"][0]
    assert AgendaItem.objects.count() == 1

    response = client.post(f"/api/v1/review-boards/{board.pk}/agenda", {"service": "nope"})
    assert response.status_code == 422

    assert client.delete(f"/api/v1/review-boards/{board.pk}/agenda/fish").status_code == 204
    assert not AgendaItem.objects.exists()


def put(client, path, json):
    return client._call("put", path, json=json)


def test_assessments_through_the_api(api, held):
    url = f"/api/v1/review-boards/{held.board.pk}/agenda/waste"
    member, other = ApiClient(held.security_user), ApiClient(held.architecture_user)

    response = put(other, f"{url}/assessment", {"ratings": ALL_GREEN, "submit": True})
    assert response.status_code == 200 and response.json()["submitted_at"]

    draft = {"ratings": {"uptime": {"rating": "red"}}, "submit": True}
    response = put(member, f"{url}/assessment", draft)
    assert response.status_code == 422
    assert response.json()["errors"]["uptime"] == ["Say why you rated it red"]

    response = put(member, f"{url}/assessment", draft | {"submit": False})
    assert response.status_code == 200 and response.json()["submitted_at"] is None
    shown = member.get(f"{url}/assessments").json()
    assert shown["own"]["ratings"]["uptime"]["rating"] == "red" and shown["others"] == []

    response = put(member, f"{url}/assessment", {"ratings": ALL_GREEN, "submit": True})
    assert response.status_code == 200
    assert len(member.get(f"{url}/assessments").json()["others"]) == 1
    response = put(member, f"{url}/assessment", {"ratings": ALL_GREEN, "submit": True})
    assert response.status_code == 409

    response = put(api("osr_manager"), f"{url}/assessment", {"ratings": ALL_GREEN})
    assert response.status_code == 403


def test_outcomes_through_the_api(api, held, owner, today):
    url = f"/api/v1/review-boards/{held.board.pk}/agenda/waste/outcome"
    client = api("osr_manager")
    response = client.post(url, {"outcome": "amber", "summary": "Conditions"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "conditions": ["An amber outcome needs at least one condition"]
    }

    due = (today + dt.timedelta(days=10)).isoformat()
    body = {
        "outcome": "amber",
        "summary": "Approved with conditions",
        "conditions": [{"description": "Add alerting", "owner": owner.pk, "due_on": due}],
    }
    assert api("delivery").post(url, body).status_code == 403
    response = client.post(url, body)
    assert response.status_code == 201, response.json()
    decision = response.json()
    assert decision["outcome"] == "amber" and decision["conditions"][0]["owner"]["id"] == owner.pk

    response = client.post(url, {"outcome": "green", "summary": "Again"})
    assert response.status_code == 409
    assert "already recorded" in response.json()["errors"]["__all__"][0]

    response = client.post(
        url, {"outcome": "green", "summary": "Corrected", "corrects": decision["id"]}
    )
    assert response.status_code == 201 and response.json()["corrects"] == decision["id"]
    item = client.get(f"/api/v1/review-boards/{held.board.pk}/agenda/waste").json()
    assert [d["in_force"] for d in item["decisions"]] == [True, False]
    assert Decision.objects.count() == 2


def test_actions_through_the_api(api, users, today):
    service = ServiceFactory(delivery_group=users.own, slug="waste")
    late = ActionFactory(
        service=service, due_on=today - dt.timedelta(days=1), owner=users.delivery.person
    )
    ActionFactory(service=service, due_on=today + dt.timedelta(days=5))
    client = api("viewer")
    body = client.get("/api/v1/actions").json()
    assert body["count"] == 2 and body["results"][0]["id"] == late.pk
    assert body["results"][0]["overdue"] is True
    owned = client.get("/api/v1/actions", owner=users.delivery.person.pk).json()
    assert [a["id"] for a in owned["results"]] == [late.pk]
    assert client.get("/api/v1/actions", group="nope").status_code == 422

    assert client.post(f"/api/v1/actions/{late.pk}/close", {"note": "x"}).status_code == 403
    response = api("delivery").post(f"/api/v1/actions/{late.pk}/close", {"note": "Done"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    response = api("delivery").post(f"/api/v1/actions/{late.pk}/close", {"note": "Again"})
    assert response.status_code == 409


def test_rehearsals_through_the_api(api, users, today, owner):
    service = ServiceFactory(delivery_group=users.own, slug="waste")
    url = "/api/v1/services/waste/rehearsals"
    body = {
        "kind": "incident",
        "held_on": today.isoformat(),
        "scenario": "Database fails over",
        "participants": ["Ada", "Grace"],
        "outcome": "Recovered",
        "findings": ["Runbook out of date"],
    }
    assert api("outsider").post(url, body).status_code == 403
    response = api("delivery").post(url, body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["participants"] == ["Ada", "Grace"]
    assert created["findings"][0]["action"] is None

    future = body | {"held_on": (today + dt.timedelta(days=1)).isoformat(), "kind": "drill"}
    response = api("delivery").post(url, future)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"kind", "held_on"}
    assert Rehearsal.objects.count() == 1

    finding = created["findings"][0]["id"]
    action_url = f"{url}/{created['id']}/findings/{finding}/action"
    due = (today + dt.timedelta(days=7)).isoformat()
    response = api("delivery").post(action_url, {"owner": owner.pk, "due_on": due})
    assert response.status_code == 201 and response.json()["source"] == "finding"
    assert api("delivery").post(action_url, {"owner": owner.pk, "due_on": due}).status_code == 409
    listed = api("viewer").get(url).json()
    assert listed["results"][0]["findings"][0]["action"] == Action.objects.get().pk
    RehearsalFactory(service=service, kind="change")
    listed = api("viewer").get(url).json()
    assert listed["count"] == 2 and len(listed["results"]) == 2


def test_the_openapi_document_lists_the_review_board_endpoints(api):
    paths = api("viewer").get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/review-boards",
        "/api/v1/review-boards/{board_id}/agenda/{slug}/outcome",
        "/api/v1/actions",
        "/api/v1/services/{slug}/rehearsals",
    ]:
        assert path in paths, path
