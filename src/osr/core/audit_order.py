"""One lock order for every writing transaction on PostgreSQL: the audit chain first.

Each audit entry is sealed in the transaction that wrote it, and sealing holds
the chain's head until that transaction ends. Without a fixed order, a
transaction that has sealed once (holding the head) and then writes a row, say
the second service a catalogue import updates, or an agenda item a cancelled
board withdraws, waits for any writer that locked that row first; and that
writer, about to seal its own change, waits for the head. PostgreSQL breaks
such a cycle by failing one of them with ``DeadlockDetected``.

So the chain's writer lock is taken before anything else a transaction locks:
the first statement in a transaction that writes or locks rows (``INSERT``,
``UPDATE``, ``DELETE``, ``SELECT … FOR UPDATE|SHARE``) is preceded by a
transaction-scoped advisory lock on the chain. Whoever holds it may then lock
rows in any order, since no one else holding rows waits for it. Audited writers
already took turns from their first seal to their commit; they now take turns
from their first write, one statement earlier in nearly every case.

Tables written in transactions of their own that never audit (sign-in
sessions, the task queue's claims) are left out, so that a long import does not
hold up every request's session or the worker's queue. SQLite needs none of
this: it serialises writing transactions itself.

The lock is taken at most once per transaction: a no-op ``on_commit`` callback
marks it held. Django discards that mark exactly when PostgreSQL releases the
lock (commit, rollback, or the rollback of the savepoint it was taken in), so
the next write takes it again.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db.backends.signals import connection_created

# pg_advisory_xact_lock's key: the audit chain's, fixed (any 64-bit number OSR
# uses for nothing else).
CHAIN_LOCK = 0x05_A0D1_7C4A_1000
LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
_LOCKING_READ = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.I)
_FROM = re.compile(r'\bFROM\s+"?([\w.]+)"?', re.IGNORECASE)

# Models written only in transactions that write nothing audited.
UNORDERED_MODELS = ("sessions.Session", "django_tasks_db.DBTaskResult")


def _held() -> None:
    """The mark of a transaction that holds the chain's writer lock (it does nothing)."""


def _unordered_tables() -> frozenset[str]:
    tables = set()
    for label in UNORDERED_MODELS:
        try:
            tables.add(apps.get_model(label)._meta.db_table)
        except LookupError:  # an app that is not installed writes nothing
            continue
    return frozenset(tables)


def locked_table(sql: str) -> str | None:
    """The table a statement writes or locks rows of, or None for a plain read."""
    written = _WRITE.match(sql)
    if written:
        return written[1]
    if sql.lstrip()[:6].upper() == "SELECT" and _LOCKING_READ.search(sql):
        found = _FROM.search(sql)
        return found[1] if found else ""
    return None


class ChainFirst:
    """A connection's execute wrapper that takes the chain's writer lock before a
    transaction's first row lock."""

    def __init__(self, unordered: frozenset[str]):
        self.unordered = unordered

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        if connection.in_atomic_block and not _holds(connection):
            table = locked_table(sql) if isinstance(sql, str) else None
            if table is not None and table not in self.unordered:
                context["cursor"].execute(LOCK_SQL, [CHAIN_LOCK])
                connection.on_commit(_held)
        return execute(sql, params, many, context)


def _holds(connection) -> bool:
    return any(func is _held for _sids, func, _robust in connection.run_on_commit)


def install(sender=None, connection=None, **kwargs) -> None:
    """Add the wrapper to a PostgreSQL connection (a ``connection_created`` receiver)."""
    if connection is None or connection.vendor != "postgresql":
        return
    if not any(isinstance(wrapper, ChainFirst) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(ChainFirst(_unordered_tables()))


def connect() -> None:
    """Order every new PostgreSQL connection's writers (from ``CoreConfig.ready``)."""
    connection_created.connect(install, dispatch_uid="osr.audit.chain_first")
