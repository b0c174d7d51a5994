"""Rescheduling, cancelling and correcting a board on its pages, through the API and the CLI."""

import datetime as dt
import sys
from io import StringIO

import lxml.html
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from osr import cli
from osr.core.refusals import Refusal
from osr.reviews.models import BoardChange, ReviewBoard

from ..browsing import forms_of
from ..factories import PersonFactory, ServiceFactory, TeamFactory
from .factories import AgendaItemFactory, PanelMemberFactory, ReviewBoardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming(users):
    """A board next week with a panel member and a service of ``own`` on its agenda."""
    board = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=(timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0),
        place="Seacole Building",
    )
    PanelMemberFactory(board=board, person=PersonFactory(email="sec@defra.example"))
    team = TeamFactory(delivery_group=users.own, contact_email="flood-team@defra.example")
    service = ServiceFactory(name="Flood alerts", delivery_group=users.own, delivery_team=team)
    AgendaItemFactory(board=board, service=service)
    return board


def shown_form(client, path: str) -> dict[str, list[str]]:
    """The page's own form, with what a browser would send for it as shown."""
    response = client.get(path)
    assert response.status_code == 200
    form = next(f for f in forms_of(response.content.decode(), path) if f.action.endswith(path))
    return form.as_post()


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def error_summary(response) -> str:
    found = lxml.html.fromstring(response.content).xpath("//*[@class='govuk-error-summary']")
    return " ".join(found[0].text_content().split()) if found else ""


# Pages


def test_the_board_page_offers_the_changes_only_to_those_allowed(page, coming, held):
    manager = page("osr_manager").get(coming.get_absolute_url()).content.decode()
    assert f"/review-boards/{coming.pk}/reschedule" in manager
    assert f"/review-boards/{coming.pk}/cancel" in manager
    assert "govuk-button--warning" in manager and "Scheduled" in manager
    assert f"/review-boards/{coming.pk}/notes" not in manager  # it has not met
    viewer = page("viewer").get(coming.get_absolute_url()).content.decode()
    assert "/reschedule" not in viewer and "/cancel" not in viewer
    met = page("osr_manager").get(held.board.get_absolute_url()).content.decode()
    assert "/reschedule" not in met and f"/review-boards/{held.board.pk}/notes" in met
    assert "/notes" not in page("viewer").get(held.board.get_absolute_url()).content.decode()
    assert page("delivery").get(f"/review-boards/{coming.pk}/reschedule").status_code == 403
    assert page("viewer").get(f"/review-boards/{held.board.pk}/notes").status_code == 403


def test_rescheduling_on_the_page_as_rendered(page, coming, told):
    client = page("osr_manager")
    path = f"/review-boards/{coming.pk}/reschedule"
    new_day = timezone.localdate() + dt.timedelta(days=14)
    data = shown_form(client, path) | date_fields("day", new_day)
    data |= {"time": "15:30", "reason": "The panel cannot make it"}
    response = client.post(path, data)
    assert response.status_code == 302, error_summary(response)
    coming.refresh_from_db()
    local = timezone.localtime(coming.starts_at)
    assert (local.date(), local.strftime("%H:%M")) == (new_day, "15:30")
    assert len(told) == 2
    shown = client.get(coming.get_absolute_url()).content.decode()
    assert "The panel cannot make it" in shown and "Rescheduled" in shown


def test_rescheduling_into_the_past_on_the_page_shows_the_error(page, coming, told):
    client = page("osr_manager")
    path = f"/review-boards/{coming.pk}/reschedule"
    data = shown_form(client, path) | date_fields("day", timezone.localdate() - dt.timedelta(1))
    response = client.post(path, data | {"reason": "Sooner"})
    assert response.status_code == 422
    assert "The new date and time must be in the future" in error_summary(response)
    assert 'href="#id_day-day"' in response.content.decode()
    response = client.post(path, shown_form(client, path) | date_fields("day", dt.date(2099, 1, 1)))
    assert "Enter why the board is rescheduled" in error_summary(response)
    assert ReviewBoard.objects.get(pk=coming.pk).starts_at == coming.starts_at and not told


def test_cancelling_on_the_confirmation_page(page, coming, told):
    client = page("osr_manager")
    path = f"/review-boards/{coming.pk}/cancel"
    html = client.get(path).content.decode()
    assert "govuk-button--warning" in html and "Yes, cancel the board" in html
    response = client.post(path, shown_form(client, path))
    assert response.status_code == 422
    assert "Enter why the board is cancelled" in error_summary(response)
    response = client.post(path, shown_form(client, path) | {"reason": "No quorum"})
    assert response.status_code == 302
    board = client.get(coming.get_absolute_url()).content.decode()
    assert "Cancelled" in board and "No quorum" in board and "/reschedule" not in board
    listed = client.get("/review-boards").content.decode()
    assert "govuk-tag--red" in listed and "Cancelled" in listed
    # A cancelled board's pages send people back with the reason.
    again = client.get(path, follow=True)
    assert "is cancelled" in again.content.decode()


def test_correcting_notes_and_attendance_on_the_page(page, held):
    client = page("osr_manager")
    path = f"/review-boards/{held.board.pk}/notes"
    first = shown_form(client, path)
    assert "reason" not in first  # nothing is recorded yet: nothing to correct
    response = client.post(
        path, first | {"notes": "Agreed the runbook", "attended": [str(held.security.person_id)]}
    )
    assert response.status_code == 302
    data = shown_form(client, path)
    assert data["attended"] == [str(held.security.person_id)]
    response = client.post(path, data | {"notes": "Agreed the runbook and the rota"})
    assert response.status_code == 422
    assert "Enter the reason for the correction" in error_summary(response)
    response = client.post(
        path, data | {"notes": "Agreed the runbook and the rota", "reason": "Missed the rota"}
    )
    assert response.status_code == 302
    shown = client.get(held.board.get_absolute_url()).content.decode()
    assert "Agreed the runbook and the rota" in shown and "Missed the rota" in shown
    assert held.board.changes.count() == 2
    # Saved unchanged, as shown, nothing is written.
    assert client.post(path, shown_form(client, path)).status_code == 302
    assert held.board.changes.count() == 2


# API


def test_rescheduling_through_the_api(api, users, coming, told):
    when = (timezone.now() + dt.timedelta(days=20)).replace(second=0, microsecond=0)
    url = f"/api/v1/review-boards/{coming.pk}/reschedule"
    response = api("osr_manager").post(url, {"starts_at": when.isoformat(), "reason": "Leave"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["place"] == "Seacole Building" and body["status"] == "scheduled"
    assert body["changes"][0]["kind"] == "rescheduled" and body["changes"][0]["reason"] == "Leave"
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = api("osr_manager").post(url, {"starts_at": past, "reason": "Sooner"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "starts_at": ["The new date and time must be in the future"]
    }
    response = api("osr_manager").post(url, {"starts_at": when.isoformat()})
    assert response.status_code == 200  # the same time and place: nothing to explain
    assert len(response.json()["changes"]) == 1
    response = api("osr_manager").post(
        url, {"starts_at": when.isoformat(), "place": "", "call_link": ""}
    )
    assert response.json()["errors"]["place"] == ["Enter a place or a call link"]
    assert api("delivery").post(url, {"starts_at": when.isoformat()}).status_code == 403


def test_cancelling_through_the_api_and_what_a_cancelled_board_refuses(api, users, coming, told):
    url = f"/api/v1/review-boards/{coming.pk}"
    response = api("osr_manager").post(f"{url}/cancel", {})
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["Enter why the board is cancelled"]}
    response = api("osr_manager").post(f"{url}/cancel", {"reason": "No quorum"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    when = (timezone.now() + dt.timedelta(days=20)).isoformat()
    response = api("osr_manager").post(f"{url}/reschedule", {"starts_at": when, "reason": "x"})
    assert response.status_code == 409
    assert "is cancelled" in response.json()["errors"]["__all__"][0]
    assert api("osr_manager").post(f"{url}/cancel", {"reason": "Again"}).status_code == 409
    slug = coming.agenda.get().service.slug
    ReviewBoard.objects.filter(pk=coming.pk).update(starts_at=timezone.now() - dt.timedelta(1))
    response = api("osr_manager").post(
        f"{url}/agenda/{slug}/outcome", {"outcome": "green", "summary": "Good"}
    )
    assert response.status_code == 409


def test_notes_through_the_api(api, users, held):
    client = api("osr_manager")
    url = f"/api/v1/review-boards/{held.board.pk}/notes"
    body = {"notes": "Agreed", "attended": [held.security.person_id]}
    response = client._call("put", url, json=body)
    assert response.status_code == 200, response.json()
    attended = {m["person"]["id"]: m["attended"] for m in response.json()["panel"]}
    assert attended == {held.security.person_id: True, held.architecture.person_id: False}
    response = client._call("put", url, json=body | {"notes": "Agreed twice"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["Enter the reason for the correction"]}
    response = client._call("put", url, json=body | {"notes": "Agreed twice", "reason": "Typo"})
    assert response.json()["notes"] == "Agreed twice"
    assert api("viewer")._call("put", url, json=body).status_code == 403


# Command line


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_rescheduling_and_cancelling_from_the_command_line(users, coming, told):
    new_day = timezone.localdate() + dt.timedelta(days=10)
    out = run(
        "boards",
        "reschedule",
        str(coming.pk),
        "--date",
        new_day.isoformat(),
        "--reason",
        "Room booked",
        "--by",
        "osr_manager",
    )
    assert out.startswith("Rescheduled: Review board on")
    coming.refresh_from_db()
    assert coming.day == new_day
    assert BoardChange.objects.get().made_by == users.osr_manager
    with pytest.raises(CommandError, match="--date: The new date and time must be in the future"):
        run("boards", "reschedule", str(coming.pk), "--date", "2001-01-01", "--reason", "x")
    assert "Cancelled" in run("boards", "cancel", str(coming.pk), "--reason", "No quorum")
    assert "CANCELLED" in run("boards", "list")


def test_a_refusal_on_the_command_line_is_one_line_and_a_failure(users, coming, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["osr", "boards", "cancel", str(coming.pk)])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == "osr: Enter why the board is cancelled"


def test_notes_from_the_command_line(users, held):
    out = run(
        "boards",
        "notes",
        str(held.board.pk),
        "--notes",
        "Agreed",
        "--attended",
        str(held.security.person_id),
    )
    assert out.startswith("Notes and attendance recorded")
    with pytest.raises(Refusal, match="Enter the reason for the correction"):
        run("boards", "notes", str(held.board.pk), "--notes", "Changed")
    out = run("boards", "notes", str(held.board.pk), "--attended", "--reason", "Nobody came")
    assert "Notes and attendance corrected" in out and "attended: none" in out
