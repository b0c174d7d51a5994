"""A list's filter form is made once a filter set class, and still reads its choices afresh."""

from __future__ import annotations

import pytest

from osr.catalogue.filters import ServiceFilterSet
from osr.reviews.filters import ActionFilterSet

from ..factories import DeliveryGroupFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_form_class_is_made_once_a_filter_set_class():
    lists = [ServiceFilterSet(data={}), ServiceFilterSet(data={"phase": "live"})]
    assert lists[0].form.__class__ is lists[1].form.__class__
    assert lists[0].form is not lists[1].form
    assert ActionFilterSet(data={}).form.__class__ is not lists[0].form.__class__


def test_a_group_added_after_a_list_was_filtered_can_be_filtered_on(api):
    first = DeliveryGroupFactory(slug="first-group")
    ServiceFactory(slug="in-first", delivery_group=first)
    client = api("viewer")
    answer = client.get("/api/v1/services", delivery_group="first-group")
    assert [row["slug"] for row in answer.json()["results"]] == ["in-first"]

    later = DeliveryGroupFactory(slug="later-group")
    ServiceFactory(slug="in-later", delivery_group=later)
    answer = client.get("/api/v1/services", delivery_group="later-group")
    assert answer.status_code == 200, answer.content
    assert [row["slug"] for row in answer.json()["results"]] == ["in-later"]
    refused = client.get("/api/v1/services", delivery_group="no-such-group")
    assert refused.status_code == 422
    assert "delivery_group" in refused.json()["errors"]


def test_each_form_has_its_own_fields_widgets_and_querysets_and_shares_no_change():
    first, second = ServiceFilterSet(data={}).form, ServiceFilterSet(data={}).form
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other and field.widget is not other.widget, name
        assert field.widget.attrs is not other.widget.attrs, name
    groups = first.fields["delivery_group"]
    assert groups.queryset is not second.fields["delivery_group"].queryset
    assert groups.widget.choices.queryset is groups.queryset  # what the drop-down lists
    first.fields["q"].widget.attrs["data-changed"] = "yes"
    first.fields["phase"].choices = [("live", "Live")]
    third = ServiceFilterSet(data={}).form
    assert "data-changed" not in third.fields["q"].widget.attrs
    assert len(third.fields["phase"].choices) > 1
    assert len(third.fields["phase"].widget.choices) > 1


def test_a_list_page_offers_a_group_added_after_it_was_shown(page, users):
    client = page("viewer")
    assert "Later group" not in client.get("/services").content.decode()
    DeliveryGroupFactory(slug="later-group", name="Later group")
    shown = client.get("/services").content.decode()
    assert '<option value="later-group"' in shown and "Later group" in shown
