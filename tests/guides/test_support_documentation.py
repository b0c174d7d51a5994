"""AS-4 is met by the guide itself: its latest approved version, complete and up to date."""

import datetime as dt

import pytest
from django.utils import timezone

from osr.catalogue.models import Component
from osr.guides import services
from osr.guides.models import OperationsProfile
from osr.guides.readiness_checks import NAME, decide
from osr.readiness.checks import MET, NOT_MET
from osr.readiness.facts import ServiceFacts
from osr.readiness.services import readiness_of

pytestmark = pytest.mark.django_db


def facts(state) -> ServiceFacts:
    return ServiceFacts(
        slug="pay",
        name="Pay",
        phase="public_beta",
        phase_since=dt.date(2026, 1, 1),
        extra={NAME: state} if state is not None else {},
    )


STATE = {
    "number": 3,
    "complete": True,
    "fingerprint": "abc",
    "current": "abc",
    "approved_on": dt.date(2026, 3, 1),
}


def test_decide_is_met_by_a_complete_approved_guide_that_is_up_to_date():
    outcome = decide(facts(STATE), [], dt.date(2026, 3, 5))
    assert outcome.decided == MET
    assert outcome.reason == (
        "Version 3 of the service operations guide, approved on 1 March 2026, "
        "is complete and up to date"
    )


@pytest.mark.parametrize(
    "state, reason",
    [
        (None, "No version of the service operations guide has been approved"),
        (
            STATE | {"complete": False},
            "Version 3 of the guide was approved with sections incomplete",
        ),
        (
            STATE | {"current": "def"},
            "Guide out of date: what version 3 was built from has changed since",
        ),
    ],
)
def test_decide_is_not_met_otherwise(state, reason):
    outcome = decide(facts(state), [], dt.date(2026, 3, 5))
    assert (outcome.decided, outcome.reason) == (NOT_MET, reason)


def as4(service):
    return readiness_of(service, today=timezone.localdate()).requirement("AS-4")


def approved(service, users):
    version = services.generate_version(service, by=users.delivery, today=timezone.localdate())
    services.approve_version(version, by=users.osr_manager)
    services.approve_version(version, by=users.live_services_manager)
    return version


def test_as4_is_met_once_a_complete_version_is_approved_by_both(complete_service, users):
    assert as4(complete_service).status == "not_started"
    version = services.generate_version(
        complete_service, by=users.delivery, today=timezone.localdate()
    )
    services.approve_version(version, by=users.osr_manager)
    assert as4(complete_service).status == "not_started"
    services.approve_version(version, by=users.live_services_manager)
    result = as4(complete_service)
    assert (result.status, result.automatic) == ("met", True)


def test_as4_lapses_and_the_guide_shows_out_of_date_when_its_sources_change(
    complete_service, users, page
):
    approved(complete_service, users)
    Component.objects.filter(service=complete_service, name="Component 01").update(
        support_group="Platform support"
    )
    result = as4(complete_service)
    assert result.status == "not_started"
    assert result.reason.startswith("Guide out of date")
    status = services.guide_status(complete_service, today=timezone.localdate())
    assert status.out_of_date and not status.met
    assert [c.heading for c in status.changes] == ["4. Architecture and components"]
    response = page("viewer").get(f"/services/{complete_service.slug}/operations")
    assert b"Guide out of date" in response.content
    assert b"4. Architecture and components" in response.content


def test_a_new_approved_version_brings_as4_back(complete_service, users):
    approved(complete_service, users)
    OperationsProfile.objects.filter(service=complete_service).update(scaling="Vertically")
    assert as4(complete_service).status != "met"
    approved(complete_service, users)
    assert as4(complete_service).status == "met"


def test_an_incomplete_approved_guide_does_not_meet_as4(complete_service, users):
    OperationsProfile.objects.filter(service=complete_service).update(scaling="")
    approved(complete_service, users)
    assert as4(complete_service).reason == (
        "Version 1 of the guide was approved with sections incomplete"
    )


def test_an_approved_guide_stays_up_to_date_from_one_day_to_the_next(complete_service, users):
    from osr.guides.assembly import assemble

    version = approved(complete_service, users)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert assemble(complete_service, today=tomorrow).fingerprint() == version.fingerprint
