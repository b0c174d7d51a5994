"""The index's rows are read by statements the ORM writes once a process, and they are
the rows the ORM's own querysets give."""

import pytest
from django.db.models.sql.compiler import SQLCompiler

from osr.graph import index_rows
from osr.graph.index import load_index

from ..factories import DependencyFactory, ExternalSystemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    portal = ServiceFactory(slug="portal", name="portal", phase="live", critical=True)
    api = ServiceFactory(slug="api", name="API", phase="private_beta", uses_live_data=True)
    gov_pay = ExternalSystemFactory(slug="gov-pay", name="GOV.UK Pay")
    DependencyFactory(from_service=portal, to_service=api, kind="data_feed", carries_live_data=True)
    DependencyFactory(from_service=api, to_service=None, to_external=gov_pay, kind="identity")


def test_the_statements_read_what_the_orm_reads(estate):
    statements = index_rows.graph_statements()
    assert statements.services.rows() == list(index_rows.services_read())
    assert statements.externals.rows() == list(index_rows.externals_read())
    read = [row for chunk in statements.dependencies.chunks(1) for row in chunk]
    assert read == list(index_rows.dependencies_read())
    assert len(read) == 2 and all(isinstance(flag, bool) for *_, flag in read)


def test_a_rebuild_writes_no_sql(estate, monkeypatch):
    load_index(None)  # the first in this process writes the statements, if none has yet
    written = []
    as_sql = SQLCompiler.as_sql

    def counted(compiler, *args, **kwargs):
        written.append(compiler.query.model)
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    index = load_index(None)
    assert written == []
    assert index.service_count == 2 and index.edge_count == 2
    assert index.slugs[: index.service_count] == ["api", "portal"]  # by name, in any case
