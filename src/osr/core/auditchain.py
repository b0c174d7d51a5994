"""The audit trail as a hash chain: append-only through OSR, tamper-evident behind its back.

Every audit entry is sealed in the transaction that writes it: it gets the next
sequence number and a SHA-256 over its content, its number and the previous
seal's hash. Writers take turns on one chain-head row (locked on PostgreSQL,
after the writer lock every writing transaction takes first, ``audit_order``;
SQLite already serialises writing transactions), so the chain has no forks and
no gaps whatever the number of processes. ``verify`` walks the chain and names
each entry that was edited, inserted or deleted outside OSR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.db.models import Subquery
from django.db.models.signals import post_save, pre_delete, pre_save

from . import audit_order
from .audithash import GENESIS, digest, entry_content, label
from .compiled import OneBy
from .models import AuditChainHead, AuditSeal

HEAD = 1  # the primary key of the single chain-head row


class AppendOnly(PermissionDenied):
    """The audit trail is append-only: its entries are never changed or deleted."""


# --- Sealing ----------------------------------------------------------------------------


def seal_entry(sender, instance, created, raw=False, using="default", **kwargs) -> None:
    """Seal a new audit entry in the transaction that wrote it (a post_save receiver).

    Entries loaded raw (a restore) arrive with their seals.
    """
    if raw or not created:
        return
    if connections[using].in_atomic_block:
        _seal(instance, using)
    else:
        # Written outside a transaction: the entry has committed already, so
        # the seal follows at once in its own.
        with transaction.atomic(using=using):
            _seal(instance, using)


def _seal(entry, using: str) -> None:
    # On PostgreSQL this transaction holds the chain's writer lock already, taken
    # before its first write (``audit_order``), so locking the head waits for no one.
    head = locked_head(using)
    sequence = head.sequence + 1
    content = entry_content(entry, label(entry.content_type_id))
    sealed = digest(content, sequence, head.hash)
    append_seals(using, [(entry.pk, sequence, head.hash, sealed, content["actor"])])


# Read first at every audited write: its SQL is written once a process.
_HEAD = OneBy(lambda: AuditChainHead.objects.select_for_update(), "pk")


def locked_head(using: str) -> AuditChainHead:
    """The chain's head, locked until the transaction ends (started where the seals end
    on a new database).

    Where this transaction has already moved the head, it holds the head's row, so
    the head is where it left it: a write that seals several entries (a new service
    and its first phase) reads the head once.
    """
    moved = _moved_here(connections[using])
    if moved is not None:
        return AuditChainHead(pk=HEAD, sequence=moved[0], hash=moved[1])
    head = _HEAD.get(HEAD, using)
    if head is None:
        # A new (or flushed) database: start the chain where the seals end, and
        # let a concurrent starter win without failing.
        last = AuditSeal.objects.using(using).order_by("-sequence").first()
        start = AuditChainHead(
            pk=HEAD, sequence=last.sequence if last else 0, hash=last.hash if last else GENESIS
        )
        AuditChainHead.objects.using(using).bulk_create([start], ignore_conflicts=True)
        head = _HEAD.get(HEAD, using)
        assert head is not None
    return head


SealRow = tuple[int, int, str, str, int | None]  # entry, sequence, previous hash, hash, actor


def append_seals(using: str, rows: list[SealRow]) -> None:
    """Store these seals, in chain order, and move the head to the last of them.

    Every audited write runs these statements, and the ORM would write their SQL
    again each time: it is written here, once for each kind of database. On
    PostgreSQL one seal and the head's move are one statement, one round trip.
    """
    insert, move_head, insert_and_move = _statements(using)
    _entry, sequence, _previous, sealed, _actor = rows[-1]
    connection = connections[using]
    with connection.cursor() as cursor:
        if len(rows) == 1 and insert_and_move:
            cursor.execute(insert_and_move, [*rows[0], sequence, sealed, HEAD])
        else:
            if len(rows) == 1:
                cursor.execute(insert, rows[0])
            else:
                cursor.executemany(insert, rows)
            cursor.execute(move_head, [sequence, sealed, HEAD])
    if connection.in_atomic_block:
        connection._audit_head_moved = (connection.run_on_commit, sequence, sealed)  # type: ignore[attr-defined]


def _moved_here(connection) -> tuple[int, str] | None:
    """Where this transaction last moved the head (sequence, hash), if it has.

    Kept with the connection's list of on-commit callbacks at that moment: Django
    starts a new list when the transaction ends and when a savepoint is rolled back
    (which may have undone the move), so a kept head counts only while its list is
    still the connection's.
    """
    moved = getattr(connection, "_audit_head_moved", None)
    if moved is None or not connection.in_atomic_block or moved[0] is not connection.run_on_commit:
        return None
    return moved[1], moved[2]


_written: dict[str, tuple[str, str, str | None]] = {}


def _statements(using: str) -> tuple[str, str, str | None]:
    """The seal's insert, the head's move, and, where the database can run an insert
    inside another statement (PostgreSQL), both in one."""
    if using not in _written:
        connection = connections[using]
        quote = connection.ops.quote_name
        seals, heads = AuditSeal._meta, AuditChainHead._meta
        names = ("log_entry", "sequence", "prev_hash", "hash", "actor_pk")
        seal_columns = {field.name: str(field.column) for field in seals.concrete_fields}
        columns = ", ".join(quote(seal_columns[name]) for name in names)
        column = {field.name: quote(str(field.column)) for field in heads.concrete_fields}
        insert = (
            f"INSERT INTO {quote(seals.db_table)} ({columns}) VALUES "
            f"({', '.join(['%s'] * len(names))})"
        )
        move_head = (
            f"UPDATE {quote(heads.db_table)} SET {column['sequence']} = %s, {column['hash']} = %s "
            f"WHERE {column['id']} = %s"
        )
        # PostgreSQL runs an insert in a WITH clause once, whether or not the statement
        # reads its rows, and a failure of either fails the statement.
        both = None
        if connection.vendor == "postgresql":
            both = f"WITH sealed AS ({insert}) {move_head}"
        _written[using] = (insert, move_head, both)
    return _written[using]


def seal_existing(apps=None, schema_editor=None) -> int:
    """Seal, in the order they were written, the entries that predate the chain
    (run by the migration that starts it)."""
    log_entries = apps.get_model("auditlog", "LogEntry") if apps else LogEntry
    seals = apps.get_model("core", "AuditSeal") if apps else AuditSeal
    heads = apps.get_model("core", "AuditChainHead") if apps else AuditChainHead
    content_types = apps.get_model("contenttypes", "ContentType") if apps else ContentType
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in content_types.objects.all()}
    head = heads.objects.filter(pk=HEAD).first()
    if head is None:
        last = seals.objects.order_by("-sequence").first()
        head = heads(
            pk=HEAD, sequence=last.sequence if last else 0, hash=last.hash if last else GENESIS
        )
    unsealed = log_entries.objects.filter(seal__isnull=True).order_by("timestamp", "pk")
    pks = list(unsealed.values_list("pk", flat=True))
    for start in range(0, len(pks), 1000):
        chunk = log_entries.objects.in_bulk(pks[start : start + 1000])
        for pk in pks[start : start + 1000]:
            content = entry_content(chunk[pk], labels[chunk[pk].content_type_id])
            sequence, prev_hash = head.sequence + 1, head.hash
            head.sequence, head.hash = sequence, digest(content, sequence, prev_hash)
            seals.objects.create(
                log_entry_id=pk,
                sequence=sequence,
                prev_hash=prev_hash,
                hash=head.hash,
                actor_pk=content["actor"],
            )
    if pks:
        head.save()
    return len(pks)


# --- Append-only through OSR ------------------------------------------------------------


def refuse_change(sender, instance, **kwargs) -> None:
    """Refuse to save an audit entry or seal that is already stored."""
    if not instance._state.adding:
        raise AppendOnly("The audit trail is append-only: its entries cannot be changed")


def refuse_delete(sender, instance, **kwargs) -> None:
    """Refuse to delete an audit entry or seal."""
    raise AppendOnly("The audit trail is append-only: its entries cannot be deleted")


def connect() -> None:
    """Connect sealing, the writers' lock order and the append-only guards (from
    ``CoreConfig.ready``)."""
    audit_order.connect()
    post_save.connect(seal_entry, sender=LogEntry, dispatch_uid="osr.audit.seal")
    for model in (LogEntry, AuditSeal):
        uid = f"osr.audit.append_only.{model._meta.label}"
        pre_save.connect(refuse_change, sender=model, dispatch_uid=uid)
        pre_delete.connect(refuse_delete, sender=model, dispatch_uid=uid)


# --- Verifying --------------------------------------------------------------------------


@dataclass
class ChainReport:
    """What verifying the audit chain found: its length, its head and every problem."""

    entries: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(*, anchors: dict[int, str] | None = None, chunk: int = 2000) -> ChainReport:
    """Walk the audit chain and report every entry edited, inserted or deleted outside OSR.

    ``anchors`` maps sequence numbers to hashes recorded outside the database
    earlier; a chain rewritten from an entry onwards no longer matches them.
    Entries sealed while the walk runs are left for the next one.
    """
    report = ChainReport()
    head, last_sealed = _head_and_last_seal()
    problems = report.problems
    if head is None:
        if last_sealed:
            problems.append("The chain's head is missing: the chain was altered")
        head = AuditChainHead(sequence=last_sealed or 0, hash=GENESIS)
    elif last_sealed and last_sealed > head.sequence:
        problems.append(
            f"Entries {head.sequence + 1}–{last_sealed} were sealed after the chain's head "
            "behind OSR's back"
        )
    report.head_sequence, report.head_hash = head.sequence, head.hash

    expected, prev_hash = 1, GENESIS
    anchors = dict(anchors or {})
    seals = AuditSeal.objects.filter(sequence__lte=head.sequence).order_by("sequence")
    rows = seals.values_list("sequence", "log_entry_id", "prev_hash", "hash", "actor_pk")
    batch: list[tuple] = []
    for row in rows.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            expected, prev_hash = _check_batch(batch, expected, prev_hash, anchors, report)
            batch = []
    expected, prev_hash = _check_batch(batch, expected, prev_hash, anchors, report)

    if expected <= head.sequence:
        problems.append(_missing(expected, head.sequence) + " (the end of the chain)")
    elif prev_hash != head.hash:
        problems.append(f"Entry {head.sequence}: its hash differs from the chain's head")
    for sequence in sorted(anchors):
        if sequence > head.sequence:
            problems.append(
                f"The chain ends at entry {head.sequence}, before entry {sequence} recorded "
                "outside OSR: entries were removed from its end (truncated)"
            )
        else:
            problems.append(f"Entry {sequence}: recorded outside OSR but no longer in the chain")

    unsealed = LogEntry.objects.filter(seal__isnull=True).order_by("pk")
    for entry in unsealed.only("pk", "action", "object_repr", "timestamp").iterator():
        problems.append(f"Audit entry id {entry.pk} ({_described(entry)}) has no seal: inserted")
    return report


def _head_and_last_seal() -> tuple[AuditChainHead | None, int | None]:
    """The head and the highest sealed number, read in one statement so that a
    writer committing in between cannot make them disagree."""
    last = AuditSeal.objects.order_by("-sequence").values("sequence")[:1]
    head = AuditChainHead.objects.filter(pk=HEAD).annotate(last=Subquery(last)).first()
    if head is not None:
        return head, head.last
    return None, AuditSeal.objects.order_by("-sequence").values_list("sequence", flat=True).first()


def _check_batch(batch, expected, prev_hash, anchors, report) -> tuple[int, str]:
    entries = LogEntry.objects.in_bulk([row[1] for row in batch])
    deleted_actors = _deleted_actors(batch, entries)
    problems = report.problems
    for sequence, entry_id, sealed_prev, sealed_hash, actor_pk in batch:
        report.entries += 1
        if sequence > expected:
            problems.append(_missing(expected, sequence - 1))
        elif sealed_prev != prev_hash:
            problems.append(
                f"Entry {sequence}: does not follow entry {sequence - 1} (the previous hash "
                "differs): the chain was altered"
            )
        entry = entries.get(entry_id)
        if entry is None:
            problems.append(f"Entry {sequence} (audit entry id {entry_id}) was deleted")
        elif not _matches(entry, sequence, sealed_prev, sealed_hash, actor_pk, deleted_actors):
            problems.append(
                f"Entry {sequence} (audit entry id {entry_id}, {_described(entry)}) was edited: "
                "it no longer matches its seal"
            )
        if sequence in anchors and anchors.pop(sequence) != sealed_hash:
            problems.append(
                f"Entry {sequence}: its hash differs from the one recorded outside OSR: "
                "the chain was rewritten"
            )
        expected, prev_hash = sequence + 1, sealed_hash
    return expected, prev_hash


def _matches(entry, sequence, prev_hash, sealed_hash, actor_pk, deleted_actors) -> bool:
    named = label(entry.content_type_id)
    if digest(entry_content(entry, named), sequence, prev_hash) == sealed_hash:
        return True
    # The actor's user was deleted, which clears the actor of their entries.
    return (
        entry.actor_id is None
        and actor_pk in deleted_actors
        and digest(entry_content(entry, named, actor_pk), sequence, prev_hash) == sealed_hash
    )


def _deleted_actors(batch, entries) -> set[int]:
    sealed_actors = {
        actor_pk
        for _seq, entry_id, _prev, _hash, actor_pk in batch
        if actor_pk is not None and entry_id in entries and entries[entry_id].actor_id is None
    }
    if not sealed_actors:
        return set()
    existing = get_user_model().objects.filter(pk__in=sealed_actors).values_list("pk", flat=True)
    return sealed_actors - set(existing)


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"Entry {first} is missing: deleted"
    return f"Entries {first}–{last} are missing: deleted"


def _described(entry) -> str:
    stamp = entry.timestamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"‘{entry}’ at {stamp}"
