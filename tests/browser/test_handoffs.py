"""Work comes to the people who must do it: evidence handed between a team and its OSR manager."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from osr.catalogue.models import Person, Team
from osr.core.notifications import schedule

from ..factories import ServiceFactory
from ..reviews.factories import ActionFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])


def section(page, heading: str):
    return page.locator(".osr-home-section").filter(
        has=page.get_by_role("heading", name=heading, level=3, exact=True)
    )


@WIDTHS
def test_evidence_rejected_comes_back_to_the_team(journey, person, users):
    delivery, manager = person("delivery"), person("osr_manager")
    team_member, _ = Person.objects.update_or_create(
        user=delivery, defaults={"name": "Dana Delivery", "email": "dana@defra.example"}
    )
    Person.objects.update_or_create(
        user=manager, defaults={"name": "Olive Osr", "email": "olive@defra.example"}
    )
    users.own.osr_manager = manager.person
    users.own.save()
    team = Team.objects.create(name="Waste team", slug="waste-team", delivery_group=users.own)
    team.members.add(team_member)
    ServiceFactory(
        name="Waste tracking",
        slug="waste-tracking",
        delivery_group=users.own,
        delivery_team=team,
        uses_live_data=True,
        live_data_since=dt.date.today(),
    )
    page = journey.page

    # The team member submits evidence.
    journey.sign_in("delivery")
    journey.go("/services/waste-tracking/readiness/LD-1/evidence")
    page.get_by_label("Attestation").fill("The security assurance pack was completed.")
    page.get_by_label("Security assurance pack version").fill("1.0")
    journey.fill_date("pack_date", dt.date.today())
    page.get_by_role("button", name="Submit evidence").click()
    journey.check()
    page.context.clear_cookies()

    # The OSR manager finds it first on their home page, and has been emailed.
    told = [m.subject for m in mail.outbox if "olive@defra.example" in m.to]
    assert "Waste tracking: LD-1 evidence awaits your verification" in told
    journey.sign_in("osr_manager")
    awaiting = section(page, "Evidence awaiting your verification")
    assert "Waste tracking" in awaiting.inner_text()
    awaiting.get_by_role("link", name="LD-1").first.click()
    journey.check()
    page.get_by_role("link", name="Reject").first.click()
    journey.check()
    page.get_by_label("Why is the evidence rejected?").fill("The pack is not signed by the SIRO")
    page.get_by_role("button", name="Reject evidence").click()
    journey.check()
    page.context.clear_cookies()

    # The team member sees the rejection and its reason on their home page and in an email.
    rejected = [m for m in mail.outbox if "dana@defra.example" in m.to and "rejected" in m.subject]
    assert rejected and "not signed by the SIRO" in rejected[0].body
    journey.sign_in("delivery")
    redo = section(page, "Evidence to redo")
    assert "not signed by the SIRO" in redo.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@WIDTHS
def test_an_action_coming_due_reaches_its_owner_without_cron(journey, person, users):
    owner = person("delivery")
    Person.objects.filter(user=owner).update(email="dana@defra.example")
    today = timezone.localdate()
    ActionFactory(
        service=ServiceFactory(
            name="Waste tracking", delivery_group=users.own, contacts_confirmed_on=today
        ),
        owner=owner.person,
        description="Write the failover runbook",
        due_on=today + dt.timedelta(days=3),
    )
    # What the task worker's scheduler runs each morning: no cron line involved.
    schedule.run_daily_jobs(today)
    (reminder,) = [m for m in mail.outbox if "dana@defra.example" in m.to]
    assert reminder.subject == "Action for Waste tracking due soon"
    assert "Write the failover runbook" in reminder.body

    journey.sign_in("delivery")
    actions = section(journey.page, "Your open actions")
    assert "Write the failover runbook" in actions.inner_text()
