"""The GOV.UK date input: day, month and year on a page, one ISO date in the API."""

import datetime as dt

import pytest
from django import forms

from osr.core.forms import DayMonthYearField, DayMonthYearInput

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


class HeldForm(forms.Form):
    held_on = DayMonthYearField(label="Date held")


def held(data: dict) -> HeldForm:
    form = HeldForm(data=data)
    form.is_valid()
    return form


def test_the_three_boxes_make_one_date():
    form = held({"held_on-day": "5", "held_on-month": "3", "held_on-year": "2026"})
    assert form.cleaned_data["held_on"] == dt.date(2026, 3, 5)


def test_an_iso_date_is_still_accepted_as_the_api_sends_it():
    assert held({"held_on": "2026-03-05"}).cleaned_data["held_on"] == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2026", "Enter a real date"),
        ("1", "13", "2026", "Enter a real date"),
        ("x", "2", "2026", "Enter a real date"),
        ("1", "", "2026", "Date held must include a month"),
        ("", "", "2026", "Date held must include a day and month"),
        ("1", "2", "26", "The year must include 4 numbers"),
    ],
)
def test_a_date_that_is_not_real_is_refused_with_a_message(day, month, year, message):
    form = held({"held_on-day": day, "held_on-month": month, "held_on-year": year})
    assert form.errors["held_on"] == [message]


def test_what_was_typed_is_shown_again():
    widget = DayMonthYearInput()
    assert widget.decompress("2026-02-31") == ["31", "2", "2026"]
    assert widget.decompress(dt.date(2026, 3, 5)) == ["5", "3", "2026"]
    assert widget.decompress("2026-x-") == ["", "x", "2026"]
    assert widget.decompress(None) == ["", "", ""]


def test_the_api_takes_an_iso_date_and_refuses_an_impossible_one(api, users):
    ServiceFactory(delivery_group=users.own, slug="waste")
    body = {
        "kind": "incident",
        "held_on": "2026-01-31",
        "scenario": "Database fails over",
        "participants": ["Ada"],
        "outcome": "Recovered",
    }
    response = api("delivery").post("/api/v1/services/waste/rehearsals", body)
    assert response.status_code == 201, response.json()
    assert response.json()["held_on"] == "2026-01-31"
    response = api("delivery").post(
        "/api/v1/services/waste/rehearsals", body | {"held_on": "2026-02-31"}
    )
    assert response.status_code == 422


def test_the_page_refuses_an_impossible_date_and_keeps_what_was_typed(page, users):
    ServiceFactory(delivery_group=users.own, slug="waste")
    response = page("delivery").post(
        "/services/waste/rehearsals/new",
        {
            "kind": "incident",
            "held_on-day": "31",
            "held_on-month": "2",
            "held_on-year": "2026",
            "scenario": "Database fails over",
            "participants": "Ada",
            "outcome": "Recovered",
        },
    )
    body = response.content.decode()
    assert "Enter a real date" in body
    assert 'href="#id_held_on-day"' in body
    assert 'name="held_on-day" type="text" value="31"' in body
