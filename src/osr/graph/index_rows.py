"""The rows the graph's index is built from, read by statements written once a process.

Every rebuild runs the same three queries. For a small estate, rebuilt after each
write to the graph, the ORM writing their SQL (phases and kinds coded by ``CASE``)
cost four times what running them did: about 2 of 2.5 ms a rebuild, in every
process, after every dependency written. The SQL never changes, so the ORM writes
it once a process; each rebuild runs it and converts the values read as the ORM's
own iterator does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower

from osr.catalogue.choices import DependencyKind
from osr.catalogue.models import Dependency, ExternalSystem, Service
from osr.core.converted import Converters, converted, converters_of

from .index import KINDS, PHASES


def _coded(field: str, codes: Sequence[str], default: int = 0) -> Case:
    """The position of a text column's value in ``codes``, worked out by the database."""
    whens = [When(**{field: value}, then=Value(code)) for code, value in enumerate(codes)]
    return Case(*whens, default=Value(default), output_field=IntegerField())


def services_read() -> QuerySet:
    """Every service, in the order of their names: pk, slug, name, phase code, critical,
    live data, delivery group."""
    return (
        Service.objects.order_by(Lower("name"), "id")
        .annotate(phase_code=_coded("phase", PHASES))
        .values_list(
            "id", "slug", "name", "phase_code", "critical", "uses_live_data", "delivery_group_id"
        )
    )


def externals_read() -> QuerySet:
    """Every external system, in the order of their names: pk, slug, name."""
    return ExternalSystem.objects.order_by(Lower("name"), "id").values_list("id", "slug", "name")


def dependencies_read() -> QuerySet:
    """Every dependency as integers: pk, from, to service or -1, to external system or -1,
    kind code, live data."""
    return (
        Dependency.objects.order_by("id")
        .annotate(
            to_service_or_none=Coalesce("to_service_id", Value(-1)),
            to_external_or_none=Coalesce("to_external_id", Value(-1)),
            kind_code=_coded("kind", KINDS, default=KINDS.index(DependencyKind.OTHER)),
        )
        .values_list(
            "id",
            "from_service_id",
            "to_service_or_none",
            "to_external_or_none",
            "kind_code",
            "carries_live_data",
        )
    )


@dataclass(frozen=True)
class Statement:
    """A queryset's SQL and parameters as the ORM writes them, with its conversions."""

    sql: str
    params: tuple
    converters: Converters

    @classmethod
    def of(cls, queryset: QuerySet, alias: str) -> Statement:
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        return cls(sql, tuple(params), converters_of(compiler))

    def chunks(self, size: int, alias: str = DEFAULT_DB_ALIAS) -> Iterator[list[tuple]]:
        """The rows, ``size`` at a time, from a server-side cursor where the database has
        one (as ``QuerySet.iterator`` reads them), so that a million rows are never all
        held at once."""
        connection = connections[alias]
        chunked = connection.features.can_use_chunked_reads
        with connection.chunked_cursor() if chunked else connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            while rows := cursor.fetchmany(size):
                yield self._converted(rows, connection) if self.converters else rows

    def rows(self, alias: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows = cursor.fetchall()
        return self._converted(rows, connection) if self.converters else rows

    def _converted(self, rows, connection) -> list[tuple]:
        return [tuple(converted(row, self.converters, connection)) for row in rows]


@dataclass(frozen=True)
class GraphStatements:
    services: Statement
    externals: Statement
    dependencies: Statement


# One set for each database alias: the SQL depends on the database's kind alone, never
# on one connection, so every thread of a process shares them.
_written: dict[str, GraphStatements] = {}


def graph_statements(alias: str = DEFAULT_DB_ALIAS) -> GraphStatements:
    """The three statements that read the graph, written on first use in a process."""
    statements = _written.get(alias)
    if statements is None:
        statements = _written[alias] = GraphStatements(
            services=Statement.of(services_read(), alias),
            externals=Statement.of(externals_read(), alias),
            dependencies=Statement.of(dependencies_read(), alias),
        )
    return statements
