"""One object by a unique field, or a page's objects by their keys, its SQL written once a
process: the objects the ORM builds."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from osr.catalogue.demo import load_demo
from osr.catalogue.models import Service
from osr.catalogue.resources import ALL
from osr.core.compiled import AllBy, ByKeys, OneBy
from osr.core.refusals import NotFound
from osr.core.shortcuts import one_or_404
from osr.readiness.models import ReadinessResult

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def loaded(obj, path=()) -> dict:
    """What an object holds: its loaded fields, and those of each related object it holds
    (one pointing back along the path, as a person's user to the person, named only)."""
    path = (*path, obj)
    own = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in obj.get_deferred_fields()
    }
    related = {
        field.name: described(field.get_cached_value(obj), path)
        for field in obj._meta.get_fields()
        if field.is_relation and (field.many_to_one or field.one_to_one) and field.is_cached(obj)
    }
    prefetched = {
        name: sorted(repr(loaded(item)) for item in items)
        for name, items in getattr(obj, "_prefetched_objects_cache", {}).items()
    }
    return {
        "own": own,
        "deferred": obj.get_deferred_fields(),
        "related": related,
        "prefetched": prefetched,
    }


def described(related, path) -> dict | str | None:
    if related is None or any(related is seen for seen in path):
        return repr(related)
    return loaded(related, path)


@pytest.fixture
def estate():
    load_demo(today=dt.date(2026, 3, 2))


def test_every_resource_is_found_as_the_orm_finds_it(estate):
    """As the API reads it and as the pages and writes load it (locked, in a transaction):
    the same fields, related objects, deferred fields and prefetched lists."""
    for resource in ALL:
        keys = [resource.key_of(obj) for obj in resource.queryset().order_by("pk")[:5]]
        assert keys, f"the demo has no {resource.plural}"
        for key in keys:
            expected = resource.objects_to_read().get(**{resource.lookup: key})
            found = resource.finder(read=True).get(key)
            assert loaded(found) == loaded(expected), f"{resource.path} {key} as read"
            with transaction.atomic():
                expected = resource.queryset().get(**{resource.lookup: key})
                for lock in (True, False):
                    found = resource.finder(lock=lock).get(key)
                    assert loaded(found) == loaded(expected), f"{resource.path} {key}"


def test_a_reverse_one_to_one_comes_with_its_object_and_its_absence_too():
    with_result, without = ServiceFactory(), ServiceFactory()
    stored = {
        "policy_version": "1",
        "policy_digest": "d",
        "evaluated_on": dt.date(2026, 3, 2),
        "phase": "alpha",
        "ready": False,
        "percent": 40,
        "detail": {"blockers": ["AL-1"]},
    }
    ReadinessResult.objects.update_or_create(service=with_result, defaults=stored)
    ReadinessResult.objects.filter(service=without).delete()
    finder = OneBy(lambda: Service.objects.select_related("readiness_result"), "slug")

    with CaptureQueriesContext(connection) as queries:
        found = finder.get(with_result.slug)
        assert found.readiness_result.policy_version == "1"
        assert found.readiness_result.detail == {"blockers": ["AL-1"]}
        assert found.readiness_result.evaluated_on == dt.date(2026, 3, 2)
        missing = finder.get(without.slug)
        with pytest.raises(ReadinessResult.DoesNotExist):
            missing.readiness_result  # noqa: B018 - known absent, not asked again
    assert len(queries) == 2


def test_the_sql_is_written_once_and_each_look_up_is_one_query():
    services = ServiceFactory.create_batch(3)
    finder = OneBy(lambda: Service.objects.select_related("delivery_group"), "slug")
    finder.get(services[0].slug)
    with (
        mock.patch.object(SQLCompiler, "as_sql", autospec=True) as writes,
        CaptureQueriesContext(connection) as queries,
    ):
        found = [finder.get(service.slug) for service in services]
    assert writes.call_count == 0
    assert len(queries) == 3
    assert [s.name for s in found] == [s.name for s in services]
    assert [s.delivery_group.name for s in found] == [s.delivery_group.name for s in services]


def test_an_unknown_or_impossible_key_finds_nothing_and_is_refused_as_not_found():
    ServiceFactory(slug="known")
    by_slug = OneBy(lambda: Service.objects.all(), "slug")
    by_id = OneBy(lambda: Service.objects.all(), "pk")
    assert by_slug.get("unknown") is None
    assert by_id.get(10**12) is None
    with pytest.raises(ValueError):
        by_id.get("not-a-number")
    with pytest.raises(NotFound, match="No service unknown"):
        one_or_404(by_slug, "unknown")
    with pytest.raises(NotFound, match="No service not-a-number"):
        one_or_404(by_id, "not-a-number")
    assert one_or_404(by_slug, "known").slug == "known"
    # A key of text that looks like the number finds the object, as the ORM's does.
    known = Service.objects.get(slug="known")
    assert by_id.get(str(known.pk)) == known


def test_a_field_that_is_not_unique_is_refused_when_first_used():
    ServiceFactory(name="Twice")
    with pytest.raises(ValueError, match="not unique"):
        OneBy(lambda: Service.objects.all(), "name").get("Twice")


@pytest.mark.django_db(transaction=True)  # outside any transaction, as a request is
@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="the database locks no rows"
)
def test_a_locking_look_up_is_refused_outside_a_transaction():
    service = ServiceFactory()
    finder = OneBy(lambda: Service.objects.select_for_update(), "slug")
    with transaction.atomic():
        assert finder.get(service.slug) == service
    with pytest.raises(TransactionManagementError):
        finder.get(service.slug)


def test_every_resource_s_page_is_read_by_its_keys_as_the_orm_reads_it(estate):
    """In the order of the keys given, with what the API's list reads of each object."""
    for resource in ALL:
        keys = list(resource.objects_to_read().order_by("-pk").values_list("pk", flat=True)[:7])
        expected = {obj.pk: obj for obj in resource.objects_to_read().filter(pk__in=keys)}
        found = resource.rows_by_key.get(keys)
        assert [obj.pk for obj in found] == keys, resource.path
        for obj in found:
            assert loaded(obj) == loaded(expected[obj.pk]), f"{resource.path} {obj.pk}"


def test_keys_are_read_once_each_in_one_query_and_unknown_ones_left_out():
    services = ServiceFactory.create_batch(4)
    by_keys = ByKeys(lambda: Service.objects.select_related("delivery_group"))
    keys = [services[2].pk, 10**12, services[0].pk, services[2].pk]
    with CaptureQueriesContext(connection) as queries:
        found = by_keys.get(keys)
        assert by_keys.get([]) == []
    assert [s.slug for s in found] == [services[2].slug, services[0].slug]
    assert len(queries) == 1
    assert [s.delivery_group.name for s in found] == [
        services[2].delivery_group.name,
        services[0].delivery_group.name,
    ]


def test_the_sql_of_any_number_of_keys_is_written_once():
    services = ServiceFactory.create_batch(3)
    by_keys = ByKeys(lambda: Service.objects.all())
    by_keys.get([services[0].pk, services[1].pk])
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True) as writes:
        pairs = [by_keys.get([a.pk, b.pk]) for a, b in zip(services, services[1:], strict=False)]
        three = by_keys.get([s.pk for s in reversed(services)])
    assert writes.call_count == 0
    assert [[s.pk for s in pair] for pair in pairs] == [
        [services[0].pk, services[1].pk],
        [services[1].pk, services[2].pk],
    ]
    assert [s.pk for s in three] == [s.pk for s in reversed(services)]


def test_more_keys_than_a_statement_takes_are_read_in_turn(monkeypatch):
    services = ServiceFactory.create_batch(7)
    keys = [s.pk for s in reversed(services)]
    by_keys = ByKeys(lambda: Service.objects.select_related("delivery_group"))
    monkeypatch.setattr(connection.features, "max_query_params", 3)
    with CaptureQueriesContext(connection) as queries:
        found = by_keys.get(keys)
    assert [s.pk for s in found] == keys
    assert len(queries) == 3


def test_the_rows_sharing_a_value_are_found_as_the_orm_finds_them_in_its_order(estate):
    from osr.readiness.models import Evidence

    def read():
        return Evidence.objects.select_related("submitted_by", "reviewed_by")

    finder = AllBy(read, "service")
    with_evidence = Service.objects.filter(evidence__isnull=False).distinct()
    assert with_evidence.count() > 3
    for service in [*with_evidence, ServiceFactory()]:
        found, expected = finder.get(service.pk), list(read().filter(service=service))
        assert [e.pk for e in found] == [e.pk for e in expected]  # newest first
        assert [loaded(e) for e in found] == [loaded(e) for e in expected]


def test_the_rows_sharing_a_value_are_read_in_one_query_written_once():
    services = ServiceFactory.create_batch(2)
    ServiceFactory.create_batch(2, delivery_group=services[0].delivery_group)
    finder = AllBy(lambda: Service.objects.select_related("delivery_group"), "delivery_group")
    finder.get(services[0].delivery_group_id)
    with (
        mock.patch.object(SQLCompiler, "as_sql", autospec=True) as writes,
        CaptureQueriesContext(connection) as queries,
    ):
        shared = finder.get(services[0].delivery_group_id)
        alone = finder.get(services[1].delivery_group_id)
        none = finder.get(10**12)
    assert writes.call_count == 0 and len(queries) == 3
    assert [s.name for s in shared] == sorted(s.name for s in shared) and len(shared) == 3
    assert [s.pk for s in alone] == [services[1].pk] and none == []
