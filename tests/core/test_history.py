"""The change history as people read it: labels, names, links, GOV.UK dates, filters."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from osr.catalogue.forms import DependencyForm
from osr.catalogue.models import Service
from osr.catalogue.services import save_form
from osr.core.audit import acting_as
from osr.core.history import moment

from ..factories import DeliveryGroupFactory, PersonFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's words, without tags, spaces collapsed."""
    assert response.status_code == 200, response.content[:2000]
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


@pytest.fixture
def flood(users):
    with acting_as(users.admin):
        return ServiceFactory(slug="flood", name="Flood warnings", delivery_group=users.own)


def edit_service(page, flood, **changes):
    form = {
        "name": flood.name,
        "slug": flood.slug,
        "delivery_group": flood.delivery_group.slug,
        "support_hours": "business_hours",
    }
    response = page("admin").post("/services/flood/edit", form | changes)
    assert response.status_code == 302, response.content[:2000]


def test_a_change_reads_with_labels_names_links_and_dates(page, users, flood):
    edit_service(
        page, flood, delivery_group="environment", critical="on", critical_reason="Saves lives"
    )
    entry = LogEntry.objects.get_for_object(flood).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["delivery_group"] == [str(users.own.pk), str(users.other.pk)]

    response = page("viewer").get(f"/audit/catalogue/service/{flood.pk}")
    words, html = text_of(response), response.content.decode()
    assert "Change history of Flood warnings" in words
    assert "Delivery group" in words and "delivery_group" not in words
    # The groups by name, each linked to its page; never their ids.
    assert f'href="{users.other.get_absolute_url()}">Environment</a>' in html
    assert "Farming and countryside" in words
    assert f"to {users.other.pk} " not in words  # the group's id is never shown
    assert "Critical from No → to Yes" in words
    assert "Critical reason" in words and "Saves lives" in words
    assert "Admin" in words  # the actor's full name
    assert moment(entry.timestamp) in words
    assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}(:\d\d)?(am|pm)", words)
    assert f'href="{flood.get_absolute_url()}"' in html  # the object, which still exists


def test_a_new_dependency_names_both_services(page, users, flood):
    rod = ServiceFactory(slug="rod", name="Rod licences", delivery_group=users.own)
    form = DependencyForm(
        {"from_service": "flood", "to_service": "rod", "kind": "data_feed"}, user=users.admin
    )
    assert form.is_valid(), form.errors
    dependency = save_form(form, by=users.admin)

    response = page("viewer").get("/audit", {"kind": "catalogue.dependency"})
    words, html = text_of(response), response.content.decode()
    assert "Created dependency" in words
    assert "Depends on service" in words or "To service" in words
    assert f'href="{rod.get_absolute_url()}">Rod licences</a>' in html
    assert "Data feed" in words and "data_feed" not in words
    assert f'href="{dependency.get_absolute_url()}"' in html
    assert ".None" not in words and "object (" not in words
    assert "Admin" in words


def test_team_members_read_as_names(page, users):
    team = TeamFactory(slug="flood-team", name="Flood team", delivery_group=users.own)
    with acting_as(users.osr_manager):
        team.members.add(PersonFactory(name="Ada Lovelace"))
    words = text_of(page("viewer").get(f"/audit/catalogue/team/{team.pk}"))
    assert "Members Added: Ada Lovelace" in words
    assert "Osr Manager" in words


def test_a_deleted_object_is_named_and_not_linked(page, users, flood):
    pk = flood.pk
    with acting_as(users.admin):
        Service.objects.get(pk=pk).delete()
    response = page("viewer").get(f"/audit/catalogue/service/{pk}")
    words = text_of(response)
    assert "Change history of Flood warnings" in words
    assert "no longer exists" in words
    assert 'href="/services/flood"' not in response.content.decode()


def test_the_actor_without_a_person_is_named_by_full_name_or_username(page, users):
    users.admin.person.delete()
    users.admin.refresh_from_db()
    with acting_as(users.admin):
        ServiceFactory(name="Rod licences", delivery_group=users.own)
    assert "by Admin" in text_of(page("viewer").get("/audit"))
    users.admin.first_name = ""
    users.admin.save()
    assert "by admin" in text_of(page("viewer").get("/audit"))


# --- Filters ------------------------------------------------------------------------------


def test_filters_by_kind_name_person_and_date(page, users, flood):
    with acting_as(users.osr_manager):
        ServiceFactory(name="Rod licences", delivery_group=users.own)
        TeamFactory(name="Rod team", delivery_group=users.own)
    viewer = page("viewer")

    words = text_of(viewer.get("/audit", {"q": "rod"}))
    assert "Rod licences" in words and "Rod team" in words and "Flood warnings" not in words

    words = text_of(viewer.get("/audit", {"q": "rod", "kind": "catalogue.service"}))
    assert "Rod licences" in words and "Rod team" not in words

    words = text_of(viewer.get("/audit", {"person": users.osr_manager.pk}))
    assert "Rod licences" in words and "Flood warnings" not in words

    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    since = {"since-day": today.day, "since-month": today.month, "since-year": today.year}
    assert "Flood warnings" in text_of(viewer.get("/audit", since))
    later = {"since-day": tomorrow.day, "since-month": tomorrow.month, "since-year": tomorrow.year}
    words = text_of(viewer.get("/audit", later))
    assert "0 changes match the filters" in words
    assert "No changes match these filters" in words and "Clear filters" in words


def test_filters_are_kept_in_the_pagination_links(page, users):
    with acting_as(users.admin):
        for i in range(55):
            DeliveryGroupFactory(name=f"Group {i}", slug=f"group-{i}")
    html = page("viewer").get("/audit", {"kind": "catalogue.deliverygroup"}).content.decode()
    assert "kind=catalogue.deliverygroup&amp;page=2" in html


def test_a_from_date_after_the_to_date_is_refused_with_a_message(page, users, flood):
    response = page("viewer").get(
        "/audit",
        {"since-day": 5, "since-month": 3, "since-year": 2026}
        | {"until-day": 1, "until-month": 3, "until-year": 2026},
    )
    words = text_of(response)
    assert "There is a problem" in words
    assert "must be the same as or after" in words
    assert "Flood warnings" in words  # the trail is still shown, unfiltered


def test_an_object_without_history_says_so(page, users):
    words = text_of(page("viewer").get("/audit/catalogue/service/99999"))
    assert "Change history of Service 99999" in words
    assert "No changes to Service 99999 have been recorded yet" in words


# --- A fixed number of queries ------------------------------------------------------------


def make_entries(users, n: int) -> None:
    with acting_as(users.admin):
        for _ in range(n):
            service = ServiceFactory(delivery_group=users.own)
            service.delivery_group = users.other
            service.critical = True
            service.save()
            team = TeamFactory(delivery_group=users.own)
            team.members.add(PersonFactory())


@pytest.mark.parametrize("params", [{}, {"kind": "catalogue.service", "q": "Service"}])
def test_the_trail_costs_the_same_for_5_and_50_entries(page, users, params):
    # One query per kind of object named, so the page compared shows the same kinds.
    url = "/audit?" + urlencode(params | {"person": users.admin.pk})
    viewer = page("viewer")
    make_entries(users, 2)  # 5 entries or more
    viewer.get(url)  # content types are cached once per process
    with CaptureQueriesContext(connection) as few:
        assert viewer.get(url).status_code == 200
    make_entries(users, 20)  # 50 entries or more
    with CaptureQueriesContext(connection) as many:
        assert viewer.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_one_objects_history_costs_the_same_whatever_its_length(page, users, flood):
    viewer = page("viewer")
    url = f"/audit/catalogue/service/{flood.pk}"
    with acting_as(users.admin):
        for critical in [True, False, True, False]:
            flood.critical = critical
            flood.save()
    viewer.get(url)  # content types are cached once per process
    with CaptureQueriesContext(connection) as few:
        viewer.get(url)
    with acting_as(users.admin):
        for i in range(45):
            flood.critical = not flood.critical
            flood.delivery_group = users.other if i % 2 else users.own
            flood.save()
    with CaptureQueriesContext(connection) as many:
        assert viewer.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_the_service_page_names_recent_changes_by_label_and_person(page, users, flood):
    edit_service(page, flood, critical="on", critical_reason="Saves lives")
    response = page("viewer").get("/services/flood/history")
    words = text_of(response)
    assert "Admin changed Critical, Critical reason" in words
    assert f'href="/audit/catalogue/service/{flood.pk}"' in response.content.decode()


@pytest.mark.parametrize(
    "when, shown",
    [
        (dt.datetime(2026, 3, 5, 14, 30), "5 March 2026 at 2:30pm"),
        (dt.datetime(2026, 3, 5, 9, 0), "5 March 2026 at 9am"),
        (dt.datetime(2026, 3, 5, 12, 0), "5 March 2026 at midday"),
        (dt.datetime(2026, 3, 5, 0, 0), "5 March 2026 at midnight"),
    ],
)
def test_times_are_written_as_gov_uk_writes_them(when, shown):
    assert moment(when) == shown


def test_an_object_without_a_name_of_its_own_is_named_by_its_kind(page, users):
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Service),
        object_pk="999",
        object_repr="devtools.ChangeRequest.None",
        action=LogEntry.Action.UPDATE,
        changes={"critical": ["False", "True"], "phase_since": ["2026-03-05", "None"]},
    )
    words = text_of(page("viewer").get("/audit", {"kind": "catalogue.service"}))
    assert "Changed service Service 999" in words
    assert ".None" not in words
    assert "Phase since from 5 March 2026 → to Not recorded" in words
