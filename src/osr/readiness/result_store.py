"""Writing stored readiness results so that an older evaluation never overwrites a newer change.

A change marks a service's row stale and raises its ``generation`` in the writer's
transaction (``changes.results_changed``). Whoever evaluates a service reads the
row's generation first, then loads what the evaluation needs, and stores it only
over a row whose generation is still the one it read. An evaluation whose inputs
were loaded before a change committed therefore leaves the row stale, and the next
reader or the task worker evaluates it again from the changed state.

Django's ``bulk_create`` cannot add the condition to its upsert, so the statement is
written here: ``INSERT … ON CONFLICT … DO UPDATE … WHERE``, which PostgreSQL and
SQLite (3.24 on) both understand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.db import connection, transaction
from django.db.models import Field, QuerySet

from osr.catalogue.models import Service

from .models import ReadinessResult

# Rows written by one statement, at most (fewer where the database bounds the parameters).
BATCH_SIZE = 500

# What a refresh writes over a stored row; the service and the generation it read
# stay as they are.
COLUMNS = [
    "policy_version",
    "policy_digest",
    "evaluated_on",
    "changes_on",
    "stale",
    "phase",
    "next_phase",
    "ready",
    "percent",
    "blocker_count",
    "live_data_flagged",
    "live_data_overdue",
    "live_data_due",
    "detail",
    "flags",
]


def generations(services: QuerySet[Service]) -> dict[int, int]:
    """The generation of each of these services' stored rows (a service without one is
    at generation 0), read before their inputs are loaded."""
    return dict(
        ReadinessResult.objects.filter(service__in=services.order_by())
        .order_by()
        .values_list("service_id", "generation")
    )


def store(rows: Iterable[ReadinessResult]) -> int:
    """Write the results over those stored, in one transaction, each only where the
    stored row's generation is still the row's own; the number written.

    A row left unwritten was marked stale by a change after its inputs were read:
    it stays stale, and the next reader or the task worker evaluates it again.
    """
    rows = list(rows)
    if not rows:
        return 0
    by_name = {f.name: f for f in ReadinessResult._meta.concrete_fields}
    fields = [by_name[name] for name in ("service", "generation", *COLUMNS)]
    size = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, rows)))
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = [
                f.get_db_prep_save(getattr(row, f.attname), connection)
                for row in batch
                for f in fields
            ]
            cursor.execute(_upsert(fields, len(batch)), values)
            written += max(cursor.rowcount, 0)
    return written


def _upsert(fields: list[Field], count: int) -> str:
    """The statement writing ``count`` rows of ``fields`` (service and generation first),
    each over a stored row only while that is still at the row's generation."""
    quote = connection.ops.quote_name
    table = quote(ReadinessResult._meta.db_table)
    columns = [quote(cast(str, f.column)) for f in fields]  # concrete: each has one
    service, generation = columns[0], columns[1]
    one_row = f"({', '.join(['%s'] * len(columns))})"
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one_row] * count)} "
        f"ON CONFLICT ({service}) DO UPDATE SET {updates} "
        f"WHERE {table}.{generation} = excluded.{generation}"
    )
