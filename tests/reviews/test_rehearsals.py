"""Rehearsals of incidents and changes; findings become actions; LV-3 follows them."""

import datetime as dt

import pytest

from osr.core.refusals import Refusal
from osr.readiness.services import readiness_of
from osr.reviews import services
from osr.reviews.forms import RehearsalForm
from osr.reviews.models import Action, Finding

from ..factories import ServiceFactory
from .factories import RehearsalFactory

pytestmark = pytest.mark.django_db


def rehearsal_data(**changes):
    return {
        "kind": "incident",
        "held_on": "2026-01-10",
        "scenario": "The payments API is down",
        "participants": "Ada Lovelace\nGrace Hopper",
        "outcome": "Service restored in 20 minutes",
        "findings": "Runbook step 3 is out of date\n\nPager rota has a gap",
    } | changes


def test_a_rehearsal_is_recorded_with_its_findings(users, today):
    service = ServiceFactory(delivery_group=users.own)
    form = RehearsalForm(rehearsal_data(), today=today)
    assert form.is_valid(), form.errors
    rehearsal = services.record_rehearsal(
        service, form.cleaned_data, form.finding_lines(), by=users.delivery
    )
    assert rehearsal.participant_names == ["Ada Lovelace", "Grace Hopper"]
    assert [f.description for f in rehearsal.findings.order_by("id")] == [
        "Runbook step 3 is out of date",
        "Pager rota has a gap",
    ]


def test_a_rehearsal_cannot_be_recorded_before_it_is_held(today):
    tomorrow = today + dt.timedelta(days=1)
    form = RehearsalForm(rehearsal_data(held_on=tomorrow.isoformat()), today=today)
    assert form.errors["held_on"] == ["Record a rehearsal once it has been held"]


def test_a_finding_becomes_an_action_once(users, today, owner):
    rehearsal = RehearsalFactory(service=ServiceFactory(delivery_group=users.own))
    finding = Finding.objects.create(rehearsal=rehearsal, description="Pager rota has a gap")
    due = today + dt.timedelta(days=14)
    action = services.raise_finding_action(
        finding, owner=owner, due_on=due, by=users.delivery, today=today
    )
    assert (action.source, action.description, action.owner, action.due_on) == (
        "finding",
        "Pager rota has a gap",
        owner,
        due,
    )
    with pytest.raises(Refusal, match="already an action") as refused:
        services.raise_finding_action(
            finding, owner=owner, due_on=due, by=users.delivery, today=today
        )
    assert refused.value.status == 409
    with pytest.raises(Refusal, match="cannot be in the past"):
        other = Finding.objects.create(rehearsal=rehearsal, description="Other")
        services.raise_finding_action(
            other, owner=owner, due_on=today - dt.timedelta(days=1), by=users.delivery, today=today
        )
    assert Action.objects.count() == 1


def lv3(service, today):
    return readiness_of(service, today=today).requirement("LV-3")


def test_lv3_is_met_with_an_incident_and_a_change_rehearsal_in_the_last_year(users, today):
    service = ServiceFactory(delivery_group=users.own, phase="private_beta")
    RehearsalFactory(service=service, kind="incident", held_on=today - dt.timedelta(days=30))
    result = lv3(service, today)
    assert result.status == "not_started"
    assert result.reason.startswith("No change rehearsal since")

    RehearsalFactory(service=service, kind="change", held_on=today - dt.timedelta(days=300))
    result = lv3(service, today)
    assert result.status == "met" and result.automatic

    assert lv3(service, today + dt.timedelta(days=70)).status == "not_started"


def test_the_rehearsals_of_other_services_do_not_count(users, today):
    service = ServiceFactory(delivery_group=users.own)
    other = ServiceFactory(delivery_group=users.own)
    RehearsalFactory(service=other, kind="incident")
    RehearsalFactory(service=other, kind="change")
    assert lv3(service, today).status != "met"
    assert lv3(other, today).status == "met"


def test_the_services_own_people_record_rehearsals(users):
    service = ServiceFactory(delivery_group=users.own)
    for role in ["delivery", "osr_manager", "live_services_manager", "admin"]:
        assert users.by_role(role).has_perm("reviews.add_rehearsal", service), role
    for role in ["viewer", "outsider"]:
        assert not users.by_role(role).has_perm("reviews.add_rehearsal", service), role
