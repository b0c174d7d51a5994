"""Risk findings: live or critical on development, critical on non-critical,
live data without LD-1."""

import pytest

from osr.catalogue.models import Service
from osr.graph import hooks
from osr.graph.findings import findings

from ..factories import DependencyFactory, ServiceFactory
from .estate import index_of


def rules_found(index, ld1_met=None):
    return [
        (f.rule, index.slugs[f.service], index.slugs[f.depends_on])
        for f in findings(index, ld1_met or {})
    ]


def test_live_service_depending_on_development_is_a_risk():
    index = index_of({"portal": "live", "new-api": "alpha"}, [("portal", "new-api")])
    assert rules_found(index) == [("live-on-development", "portal", "new-api")]


def test_critical_service_in_development_depending_on_development_is_a_risk():
    index = index_of(
        {"flood": ("public_beta", True, False), "feed": ("alpha", True, False)}, [("flood", "feed")]
    )
    assert ("live-on-development", "flood", "feed") in rules_found(index)


def test_development_depending_on_live_is_not_a_risk():
    index = index_of({"new": "alpha", "live": "live"}, [("new", "live")])
    assert rules_found(index) == []


def test_critical_depending_on_non_critical_is_a_risk():
    index = index_of(
        {"flood": ("live", True, False), "maps": "live", "alerts": ("live", True, False)},
        [("flood", "maps"), ("flood", "alerts")],
    )
    assert rules_found(index) == [("critical-on-non-critical", "flood", "maps")]


def test_live_data_to_a_service_without_ld1_is_a_risk():
    index = index_of(
        {"pilot": ("alpha", False, True), "records": "live"},
        [("pilot", "records", "data_feed", True)],
    )
    pilot = index.node_for("pilot")
    assert rules_found(index, {pilot: False}) == [("live-data-without-ld1", "pilot", "records")]
    assert rules_found(index, {pilot: True}) == []


def test_external_systems_raise_no_criticality_finding():
    index = index_of({"flood": ("live", True, False)}, [("flood", "notify")], externals=("notify",))
    assert rules_found(index) == []


@pytest.mark.django_db
def test_ld1_comes_from_the_uses_live_data_flag_until_readiness_answers():
    pilot = ServiceFactory(phase="alpha", uses_live_data=True)
    other = ServiceFactory(phase="alpha", uses_live_data=False)
    statuses = hooks.live_data_obligations([pilot.pk, other.pk], today=None)
    assert statuses[pilot.pk]["LD-1"] == "not_started"
    assert statuses[other.pk]["LD-1"] == "not_applicable"


@pytest.mark.django_db
def test_readiness_can_answer_ld1_through_the_hook(api, users):
    records = ServiceFactory(phase="live", slug="records")
    pilot = ServiceFactory(phase="alpha", uses_live_data=True, slug="pilot")
    DependencyFactory(from_service=pilot, to_service=records, carries_live_data=True)
    body = api("viewer").get("/api/v1/graph/findings").json()
    assert [f["rule"] for f in body["results"]] == ["live-data-without-ld1"]

    def readiness(service_ids, *, today):
        return {pk: {"LD-1": "met", "LD-2": "met"} for pk in service_ids}

    hooks.register_live_data_obligations(readiness)
    try:
        body = api("viewer").get("/api/v1/graph/findings").json()
    finally:
        hooks.register_live_data_obligations(None)
    assert body["results"] == [] and body["count"] == 0
    assert Service.objects.count() == 2
