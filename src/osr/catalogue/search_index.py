"""The index behind ``?q=`` on services: a substring search that need not read every row.

On PostgreSQL, a trigram index (``pg_trgm``) on each searched column serves an
``ILIKE '%…%'`` of that column. (Django's ``icontains`` compares ``UPPER()`` of both
sides, which an index on ``UPPER(column)`` could serve, but the planner misjudges it
and reads the whole table: ten times slower.) SQLite has no index for ``LIKE '%…%'``, so
an FTS5 table with the trigram tokenizer mirrors the searched columns (kept by
triggers) and a search of three characters or more asks it instead. Both find the
same services: any whose name, slug or description contains the text, ignoring case.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import CharField, Lookup, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL

SEARCHED = ("name", "slug", "description")
FTS_TABLE = "catalogue_service_search"
SHORTEST = 3  # the trigram tokenizer needs three characters to use its index

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX IF NOT EXISTS catalogue_service_{column}_trgm "
        # Straight into the index, not a pending list: a catalogue is written rarely and
        # searched often, and the planner shuns a GIN index with a long pending list.
        f"ON catalogue_service USING gin ({column} gin_trgm_ops) WITH (fastupdate = off)"
        for column in SEARCHED
    ),
]
POSTGRES_UNDO = [f"DROP INDEX IF EXISTS catalogue_service_{column}_trgm" for column in SEARCHED]

_columns = ", ".join(SEARCHED)
_new = ", ".join(f"new.{column}" for column in SEARCHED)
_old = ", ".join(f"old.{column}" for column in SEARCHED)
SQLITE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_columns}, "
    "content='catalogue_service', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON catalogue_service BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_columns}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON catalogue_service BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns}) VALUES ('delete', old.id, {_old}); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON catalogue_service BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns}) VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_columns}) VALUES (new.id, {_new}); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_UNDO = [
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def create(apps, schema_editor) -> None:
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    for statement in statements or []:
        schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    statements = {"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}.get(
        schema_editor.connection.vendor
    )
    for statement in statements or []:
        schema_editor.execute(statement)


@CharField.register_lookup
@TextField.register_lookup
class ContainsAnyCase(Lookup):
    """``column ILIKE '%text%'`` on PostgreSQL: what its trigram indexes serve."""

    lookup_name = "contains_any_case"

    def get_db_prep_lookup(self, value, connection):
        escaped = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "%s", [f"%{escaped}%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


def search_services(queryset: QuerySet, text: str) -> QuerySet | None:
    """The services matching ``text`` through the database's index; None where none serves."""
    if connection.vendor == "postgresql":
        condition = reduce(or_, (Q(**{f"{c}__contains_any_case": text}) for c in SEARCHED))
        return queryset.filter(condition)
    if connection.vendor != "sqlite" or len(text) < SHORTEST:
        return None
    phrase = '"' + text.replace('"', '""') + '"'  # the text as one phrase, never as syntax
    matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [phrase])
    return queryset.filter(pk__in=matching)
