"""``?q=`` on services is served by an index on either database, and finds what a scan would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.catalogue.filters import ServiceFilterSet
from osr.catalogue.models import Service

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    filters = ServiceFilterSet(data={"q": text}, queryset=Service.objects.all())
    assert filters.is_valid()
    return set(filters.qs.values_list("slug", flat=True))


@pytest.fixture
def estate(users):
    ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    ServiceFactory(
        name="Rod fishing licence",
        slug="rod-licence",
        description="Buy a licence to fish with a rod and line",
        delivery_group=users.own,
    )
    ServiceFactory(name='The "quoted" service', slug="quoted", delivery_group=users.own)
    ServiceFactory(name="100% renewable_energy", slug="renewable", delivery_group=users.own)


def test_finds_text_anywhere_in_name_slug_or_description_in_any_case(estate):
    assert found("STE TRA") == {"waste-tracking"}
    assert found("rod-lic") == {"rod-licence"}
    assert found("and line") == {"rod-licence"}
    assert found("licence") == {"rod-licence"}
    assert found("nothing like it") == set()


def test_short_text_and_syntax_are_taken_literally(estate):
    assert found("ro") == {"rod-licence"}  # too short for the index: read as before
    assert found('"quoted"') == {"quoted"}
    assert found("rod AND waste") == set()  # not search syntax: nothing has that text
    assert found("*") == set()
    assert found("0% r") == {"renewable"}  # a % is a percent sign, not a wildcard
    assert found("e_e") == {"renewable"}  # and _ an underscore
    assert found("1%0") == set()


def test_the_index_follows_every_change(estate):
    service = Service.objects.get(slug="waste-tracking")
    service.name = "Waste carrier register"
    service.save()
    assert found("carrier") == {"waste-tracking"}
    assert found("tracking") == {"waste-tracking"}  # still in its slug
    assert found("Waste tracking") == set()
    service.delete()
    assert found("carrier") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own index")
def test_sqlite_asks_its_trigram_table(estate):
    with CaptureQueriesContext(connection) as captured:
        found("licence")
    assert any("catalogue_service_search" in q["sql"] for q in captured.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own index")
def test_postgresql_plans_the_trigram_indexes(estate):
    filters = ServiceFilterSet(data={"q": "licence"}, queryset=Service.objects.all())
    assert filters.is_valid()
    # The matching rows, as the list counts them; on a table this small the planner would
    # rather read it all, so reading it all is ruled out to see which index it can use.
    sql, params = filters.qs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("name", "slug", "description"):
        assert f"catalogue_service_{column}_trgm" in plan, plan
