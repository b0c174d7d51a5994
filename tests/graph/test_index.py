"""The in-process index follows the database: rebuilt when a write changes the graph,
in this process or another, and never when nothing changed."""

from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Dependency
from osr.graph import index as graph_index
from osr.graph import kept_index
from osr.graph.kept_index import current_index, forget
from osr.graph.models import GraphVersion
from osr.graph.queries import reach

from ..factories import DependencyFactory, ExternalSystemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def needs(slug: str) -> set[str]:
    index = current_index()
    return {index.slugs[n] for n in reach(index, index.node_for(slug), "upstream")}


def test_adding_a_dependency_is_seen_at_once():
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    assert needs("portal") == set()
    DependencyFactory(from_service=portal, to_service=api)
    assert needs("portal") == {"api"}


def test_removing_a_dependency_is_seen_at_once():
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    dependency = DependencyFactory(from_service=portal, to_service=api)
    assert needs("portal") == {"api"}
    dependency.delete()
    assert needs("portal") == set()


def test_new_services_and_external_systems_join_the_graph():
    before = current_index().node_count
    ServiceFactory()
    ExternalSystemFactory()
    assert current_index().node_count == before + 2


def test_phase_change_is_seen_through_the_index():
    service = ServiceFactory(slug="portal")
    assert current_index().phase(current_index().node_for("portal")) == "discovery"
    service.phase = "alpha"
    service.save()
    assert current_index().phase(current_index().node_for("portal")) == "alpha"


def test_unchanged_graph_costs_one_query(django_assert_num_queries):
    ServiceFactory()
    first = current_index()
    with django_assert_num_queries(1):
        assert current_index() is first


def test_another_process_write_is_seen_by_this_process():
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    this_process = current_index()
    # Another process writes: it bumps the version in the database; this process
    # still holds its own index in memory.
    forget()
    DependencyFactory(from_service=portal, to_service=api)
    kept_index._kept = this_process
    assert needs("portal") == {"api"}
    assert current_index() is not this_process


def test_a_process_that_lost_its_index_rebuilds_the_same_graph():
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    DependencyFactory(from_service=portal, to_service=api)
    before = current_index()
    forget()  # a fresh process: no index in memory, same version in the database
    after = current_index()
    assert after is not before
    assert after.version == before.version
    assert needs("portal") == {"api"}


def test_a_new_version_in_the_database_alone_makes_this_process_rebuild():
    ServiceFactory(slug="portal")
    before = current_index()
    GraphVersion.bump()  # what another process's write leaves behind
    after = current_index()
    assert after is not before and after.version == GraphVersion.current()


def test_write_in_the_same_transaction_as_the_dependency_bumps_the_version():
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    before = GraphVersion.current()
    with transaction.atomic():
        DependencyFactory(from_service=portal, to_service=api)
        assert GraphVersion.current() != before
    assert GraphVersion.current() != before


def test_rolled_back_write_leaves_no_stale_index():
    portal, api = ServiceFactory(slug="portal"), ServiceFactory(slug="api")
    before = GraphVersion.current()
    try:
        with transaction.atomic():
            DependencyFactory(from_service=portal, to_service=api)
            assert needs("portal") == {"api"}
            raise RuntimeError
    except RuntimeError:
        pass
    assert GraphVersion.current() == before
    assert not Dependency.objects.exists()
    assert needs("portal") == set()


def test_a_description_edit_keeps_the_version_and_a_phase_edit_changes_it():
    service = ServiceFactory(slug="portal", phase="discovery")
    index = current_index()
    before = GraphVersion.current()
    service.description = "Now with more words"
    service.support_contact_email = "help@example.gov.uk"
    service.save()
    assert GraphVersion.current() == before
    assert current_index() is index  # no process rebuilds for it
    service.phase = "alpha"
    service.save()
    assert GraphVersion.current() != before
    assert current_index().phase(current_index().node_for("portal")) == "alpha"


@pytest.mark.parametrize(
    "field, value",
    [("name", "Renamed"), ("critical", True), ("uses_live_data", True), ("slug", "portal-2")],
)
def test_each_field_the_index_reads_changes_the_version(field, value):
    service = ServiceFactory(slug="portal")
    before = GraphVersion.current()
    setattr(service, field, value)
    service.save()
    assert GraphVersion.current() != before


def test_a_save_putting_back_what_another_write_changed_changes_the_version():
    service = ServiceFactory(slug="portal", phase="discovery")
    stale_copy = type(service).objects.get(pk=service.pk)
    service.phase = "alpha"
    service.save()  # another writer, committed first
    before = GraphVersion.current()
    stale_copy.description = "Edited from an old copy"
    stale_copy.save()  # writes its phase (discovery) back over alpha
    assert GraphVersion.current() != before


def test_saving_only_other_fields_neither_reads_nor_bumps_the_version():
    service = ServiceFactory(slug="portal")
    before = GraphVersion.current()
    with CaptureQueriesContext(connection) as queries:
        service.contacts_confirmed_on = None
        service.save(update_fields=["contacts_confirmed_on"])
    assert not [q for q in queries if "FOR UPDATE" in q["sql"] or "graph_" in q["sql"]]
    assert GraphVersion.current() == before


def test_deleting_a_service_or_saving_an_external_system_changes_the_version():
    service, external = ServiceFactory(slug="portal"), ExternalSystemFactory()
    before = GraphVersion.current()
    external.description = "Only words"
    external.save()
    after_external = GraphVersion.current()
    assert after_external != before
    service.delete()
    assert GraphVersion.current() != after_external


def test_the_fields_that_change_the_version_are_those_the_index_reads():
    import re

    from osr.graph.signals import _SERVICE_COLUMNS

    ServiceFactory(slug="portal")
    with CaptureQueriesContext(connection) as queries:
        graph_index.load_index(None)
    (services,) = [q["sql"] for q in queries if 'FROM "catalogue_service"' in q["sql"]]
    read = set(re.findall(r'"catalogue_service"\."(\w+)"', services.split(" FROM ")[0]))
    assert read - {"id"} == set(_SERVICE_COLUMNS)


def test_the_version_is_read_by_sql_written_once():
    """Every impact and incident answer reads it first."""
    ServiceFactory(slug="portal")
    GraphVersion.bump()
    stamp = GraphVersion.current()
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True) as writes:
        assert GraphVersion.current() == stamp
    assert writes.call_count == 0
    GraphVersion.bump()
    assert GraphVersion.current() != stamp
