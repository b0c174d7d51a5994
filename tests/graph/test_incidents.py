"""Impact and incident contacts: who is affected, who to call, what changed lately."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from osr.catalogue.models import PhaseChange
from osr.graph import reports, services

from ..factories import (
    ComponentFactory,
    DeliveryGroupFactory,
    DependencyFactory,
    PersonFactory,
    ServiceFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(users):
    group = DeliveryGroupFactory(
        name="Floods",
        slug="floods",
        osr_manager=PersonFactory(name="Olive Osr", email="olive@defra.example"),
        live_services_manager=PersonFactory(name="Liam Live", email="liam@defra.example"),
    )
    team = TeamFactory(
        name="Flood team",
        slug="flood-team",
        delivery_group=group,
        contact_email="flood@defra.example",
    )

    def service(slug, phase, **extra):
        return ServiceFactory(
            slug=slug,
            name=slug.replace("-", " ").capitalize(),
            phase=phase,
            delivery_group=group,
            delivery_team=team,
            support_contact_email=f"{slug}@defra.example",
            **extra,
        )

    live = service("warnings", "live")
    s = {
        "live": live,
        "consumer": service("new-app", "alpha"),
        "feeder": service("river-feed", "private_beta"),
        "sharer": service("shared-maps", "discovery"),
        "indirect": service("pilot", "public_beta"),
        "live_user": service("portal", "live"),
        "retired": service("old-app", "retired"),
    }
    DependencyFactory(from_service=s["consumer"], to_service=live)
    DependencyFactory(from_service=live, to_service=s["feeder"], kind="data_feed")
    DependencyFactory(from_service=s["sharer"], to_service=live, kind="shared_component")
    DependencyFactory(from_service=s["indirect"], to_service=s["consumer"])
    DependencyFactory(from_service=s["live_user"], to_service=live)
    DependencyFactory(from_service=s["retired"], to_service=live)
    # The estate was recorded a month ago: only what a test changes is recent.
    month_ago = timezone.now() - dt.timedelta(days=30)
    LogEntry.objects.update(timestamp=month_ago)
    PhaseChange.objects.update(changed_at=month_ago)
    return s


def test_impact_lists_every_dependent_with_depth_and_route(estate):
    result = services.impact(estate["live"])
    rows = [(a.service.slug, a.depth, a.via) for a in result.affected]
    # Live first, then by depth and name.
    assert rows == [
        ("portal", 1, None),
        ("new-app", 1, None),
        ("old-app", 1, None),
        ("shared-maps", 1, None),
        ("pilot", 2, "New app"),
    ]
    assert result.affected[0].service.delivery_team.name == "Flood team"


def test_incident_contacts_name_services_in_development_and_why(estate):
    result = services.incidents(estate["live"], now=timezone.now())
    found = {c.service.slug: (c.reasons, c.depth) for c in result.contacts}
    assert found == {
        "new-app": (["depends on it"], 1),
        "river-feed": (["feeds it data"], 1),
        "shared-maps": (["depends on it", "shares a component with it"], 1),
        "pilot": (["depends on it"], 2),
    }


def test_incident_contacts_give_every_contact(estate):
    result = services.incidents(estate["live"], now=timezone.now())
    contact = next(c for c in result.contacts if c.service.slug == "river-feed")
    assert contact.support_contact_email == "river-feed@defra.example"
    assert contact.delivery_team.name == "Flood team"
    assert contact.delivery_team.email == "flood@defra.example"
    assert contact.osr_manager.name == "Olive Osr"
    assert contact.live_services_manager.email == "liam@defra.example"


def test_changes_in_the_last_fourteen_days_are_listed(estate, users):
    now = timezone.now()
    PhaseChange.objects.create(
        service=estate["consumer"],
        from_phase="alpha",
        to_phase="private_beta",
        changed_by=users.admin,
    )
    # An old move of another service is outside the window.
    old = PhaseChange.objects.create(
        service=estate["sharer"], from_phase="discovery", to_phase="alpha"
    )
    PhaseChange.objects.filter(pk=old.pk).update(changed_at=now - dt.timedelta(days=20))
    # A component added to the feeder, a dependency removed from the pilot.
    ComponentFactory(service=estate["feeder"], name="Ingest queue")
    estate["indirect"].dependencies.get().delete()
    DependencyFactory(from_service=estate["indirect"], to_service=estate["live"])
    stale = ComponentFactory(service=estate["sharer"], name="Tiles")
    LogEntry.objects.filter(object_repr=str(stale)).update(timestamp=now - dt.timedelta(days=15))

    result = services.incidents(estate["live"], now=now)
    changes = {c.service.slug: [ch.what for ch in c.changes] for c in result.contacts}
    # A dependency on a service is one of its dependencies too, seen from the other end.
    assert set(changes["new-app"]) == {
        "Moved from alpha to private beta",
        "Removed dependency Pilot → New app",
    }
    assert changes["river-feed"] == ["Added component Ingest queue (River feed)"]
    assert "Removed dependency Pilot → New app" in changes["pilot"]
    assert "Added dependency Pilot → Warnings" in changes["pilot"]
    assert changes["shared-maps"] == []
    assert {c.service.slug for c in result.changed_recently} == {"new-app", "river-feed", "pilot"}


def test_a_service_in_development_changes_only_in_its_own_entries(estate):
    DependencyFactory(from_service=estate["live_user"], to_service=estate["feeder"])
    result = services.incidents(estate["live"], now=timezone.now())
    changes = {c.service.slug: [ch.what for ch in c.changes] for c in result.contacts}
    assert changes["river-feed"] == ["Added dependency Portal → River feed"]
    assert changes["new-app"] == []


def test_impact_pages_load_only_their_services_but_count_them_all(estate):
    result = services.impact(estate["live"], 2, 2)
    assert result.page.paginator.count == 5 and result.page.number == 2
    assert [a.service.slug for a in result.affected] == ["old-app", "shared-maps"]
    assert (result.total, result.summary.live) == (5, 1)


def test_incident_contacts_say_how_to_reach_people_out_of_hours(estate, settings):
    settings.OSR_BASE_URL = "https://osr.defra.example"
    owner = PersonFactory(
        name="Omar Owner",
        email="omar@defra.example",
        phone="0300 123 4567",
        out_of_hours="Flood on-call rota, 0300 765 4321",
    )
    estate["feeder"].service_owner = owner
    estate["feeder"].save()
    result = services.incidents(estate["live"], now=timezone.now())
    contact = next(c for c in result.contacts if c.service.slug == "river-feed")
    assert contact.service_owner.phone == "0300 123 4567"
    assert contact.url == "https://osr.defra.example/services/river-feed"

    text = reports.incident_text(result)
    assert "https://osr.defra.example/services/warnings" in text
    assert "https://osr.defra.example/services/river-feed" in text
    assert (
        "Service owner: Omar Owner <omar@defra.example>, tel 0300 123 4567, "
        "out of hours: Flood on-call rota, 0300 765 4321" in text
    )
    answer = reports.incident_dict(result)
    feeder = next(s for s in answer["services"] if s["slug"] == "river-feed")
    assert feeder["service_owner"]["out_of_hours"] == "Flood on-call rota, 0300 765 4321"
    assert feeder["url"] == "https://osr.defra.example/services/river-feed"


def test_incident_contacts_say_how_each_service_depends_on_the_live_one(estate):
    DependencyFactory(
        from_service=estate["live"],
        to_service=ServiceFactory(
            name="Telemetry",
            slug="telemetry",
            phase="alpha",
            delivery_group=estate["live"].delivery_group,
        ),
        kind="runtime_api",
        carries_live_data=True,
    )
    result = services.incidents(estate["live"], now=timezone.now())
    links = {c.service.slug: c.links for c in result.contacts}
    assert links["new-app"] == ["New app depends on Warnings (runtime api call)"]
    assert links["river-feed"] == ["Warnings depends on River feed (data feed)"]
    assert links["telemetry"] == [
        "Warnings depends on Telemetry (runtime api call, live data flows)"
    ]
    assert links["pilot"] == []  # through New app, said by its reasons


def test_a_save_that_changed_nothing_is_not_a_recent_change(estate):
    dependency = estate["consumer"].dependencies.get()
    LogEntry.objects.create(
        content_type_id=LogEntry.objects.filter(object_pk=str(dependency.pk))
        .first()
        .content_type_id,
        object_pk=str(dependency.pk),
        object_id=dependency.pk,
        object_repr=str(dependency),
        action=LogEntry.Action.UPDATE,
        changes={},
    )
    result = services.incidents(estate["live"], now=timezone.now())
    assert next(c for c in result.contacts if c.service.slug == "new-app").changes == []
    assert result.changed_recently == []
