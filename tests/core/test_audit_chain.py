"""The audit trail is a hash chain: append-only through OSR, and every entry edited,
inserted or deleted behind OSR's back is reported by ``osr audit verify``."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.models.sql.query import Query
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Person, Service
from osr.catalogue.services import delete_object
from osr.core.audit import acting_as
from osr.core.auditchain import AppendOnly, seal_existing
from osr.core.audithash import GENESIS, canonical, digest, entry_content
from osr.core.models import AuditChainHead, AuditSeal

from ..factories import PersonFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def verify(*args) -> tuple[bool, list[str]]:
    """Run ``osr audit verify``: whether it passed, and the lines it printed."""
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError as error:
        return False, [*out.getvalue().splitlines(), str(error)]
    return True, out.getvalue().splitlines()


def seals() -> list[AuditSeal]:
    return list(AuditSeal.objects.order_by("sequence"))


def sql(statement: str, *params) -> None:
    """Change the database directly, as someone going behind OSR's back would."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def trail(users):
    """A trail of creates, updates, many-to-many changes and a delete by several people."""
    with acting_as(users.delivery):
        service = ServiceFactory(delivery_group=users.own, name="Waste tracking")
        service.description = "Tracks waste"
        service.save()
    with acting_as(users.admin):
        PersonFactory(name="Jo Bloggs").delete()
    return seals()


def middle(trail) -> AuditSeal:
    """A seal inside the chain whose entry names its actor."""
    entry = LogEntry.objects.filter(actor__isnull=False).order_by("pk").first()
    seal = AuditSeal.objects.get(log_entry=entry)
    assert 1 < seal.sequence < len(trail)
    return seal


# --- Sealing ----------------------------------------------------------------------------


def test_every_entry_is_sealed_in_order_and_chained_to_the_one_before(trail):
    assert len(trail) == LogEntry.objects.count() > 10
    assert [seal.sequence for seal in trail] == list(range(1, len(trail) + 1))
    assert trail[0].prev_hash == GENESIS
    for before, seal in zip(trail, trail[1:], strict=False):
        assert seal.prev_hash == before.hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (trail[-1].sequence, trail[-1].hash)


def test_a_seal_covers_what_the_entry_says_read_back_from_the_database(trail):
    for seal in trail:
        entry = LogEntry.objects.get(pk=seal.log_entry_id)
        label = f"{entry.content_type.app_label}.{entry.content_type.model}"
        assert digest(entry_content(entry, label), seal.sequence, seal.prev_hash) == seal.hash


def chain_statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "core_audit" in q["sql"]]


def head_reads(statements: list[str]) -> int:
    return sum(s.startswith("SELECT") and "core_auditchainhead" in s for s in statements)


@pytest.mark.django_db(transaction=True)
def test_sealing_costs_three_queries_per_entry_and_two_on_postgresql():
    """The head read, the seal stored and the head moved; PostgreSQL does the last two
    in one statement."""
    PersonFactory()  # the first seal starts the chain's head
    with CaptureQueriesContext(connection) as captured:
        PersonFactory()
    chain = chain_statements(captured)
    assert len(chain) == (2 if connection.vendor == "postgresql" else 3), chain
    assert head_reads(chain) == 1
    assert verify()[0]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_reads_the_head_once_however_many_entries_it_seals():
    """It holds the head from its first seal, so the head stays where it moved it."""
    PersonFactory()  # the first seal starts the chain's head
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        PersonFactory()
        PersonFactory()
        ServiceFactory()
    chain = chain_statements(captured)
    assert head_reads(chain) == 1, chain
    assert AuditSeal.objects.count() > 3
    assert verify()[0]
    # The next transaction reads it again.
    with CaptureQueriesContext(connection) as captured:
        PersonFactory()
    assert head_reads(chain_statements(captured)) == 1
    assert verify()[0]


@pytest.mark.django_db(transaction=True)
def test_a_seal_undone_with_its_savepoint_is_not_taken_for_the_head():
    """A rolled-back savepoint takes back the head's move with the seal: the next seal
    reads the head from the database, and the chain has no gap."""
    PersonFactory(name="First")  # the first seal starts the chain's head
    with transaction.atomic():
        PersonFactory(name="Kept")
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            PersonFactory(name="Undone")
            1 / 0  # noqa: B018
        with CaptureQueriesContext(connection) as captured:
            PersonFactory(name="Kept too")
    assert head_reads(chain_statements(captured)) == 1
    assert not Person.objects.filter(name="Undone").exists()
    assert [s.sequence for s in seals()] == [1, 2, 3]
    assert verify()[0]


def test_sealing_writes_its_sql_once_a_process(users):
    """Every audited write seals: its three statements are not written again each time."""
    with acting_as(users.admin):
        PersonFactory()  # the first seal of the process may write them
        real = Query.get_compiler
        with mock.patch.object(Query, "get_compiler", autospec=True, side_effect=real) as written:
            PersonFactory()
    assert written.call_count > 0  # the person's and its entry's own statements
    sealing = [c for c in written.call_args_list if c.args[0].model in (AuditSeal, AuditChainHead)]
    assert sealing == []
    assert verify()[0]


@pytest.mark.django_db(transaction=True)
def test_an_entry_written_outside_a_transaction_is_sealed_too():
    person = Person.objects.create(name="Autocommitted")
    entry = LogEntry.objects.get(object_pk=str(person.pk), action=LogEntry.Action.CREATE)
    assert AuditSeal.objects.get(log_entry=entry).sequence == 1
    assert verify()[0]


def test_entries_from_before_the_chain_are_sealed_in_the_order_they_were_written(trail):
    content_type = ContentType.objects.get_for_model(Person)
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk="99",
                object_repr="Old",
                action=0,
                timestamp=later + dt.timedelta(seconds=n),
                changes={"name": ["", "Old"]},
            )
            for n in range(3)
        ]  # fmt: skip
    )
    assert not verify()[0]
    assert seal_existing() == 3
    assert verify()[0]
    assert AuditSeal.objects.count() == len(trail) + 3


def test_equal_values_are_spelt_alike_whatever_the_database_hands_back():
    assert canonical({"b": 1.0, "a": [1e100, "é"]}) == canonical({"a": [10**100, "é"], "b": 1})
    assert canonical({"a": True}) != canonical({"a": 1})
    assert canonical(["1"]) != canonical([1])


# --- Append-only through OSR ------------------------------------------------------------


def test_entries_and_seals_cannot_be_changed_or_deleted_through_osr(trail):
    entry = LogEntry.objects.get(pk=trail[0].log_entry_id)
    entry.object_repr = "Forged"
    attempts = [
        (entry.save, AppendOnly),
        # A seal protects its entry, and the entry refuses deletion itself.
        (entry.delete, (AppendOnly, ProtectedError)),
        (LogEntry.objects.filter(pk=entry.pk).delete, (AppendOnly, ProtectedError)),
        (trail[0].save, AppendOnly),
        (trail[0].delete, AppendOnly),
        (AuditSeal.objects.all().delete, AppendOnly),
    ]
    for attempt, refusal in attempts:
        with pytest.raises(refusal), transaction.atomic():
            attempt()
    assert LogEntry.objects.count() == AuditSeal.objects.count() == len(trail)
    assert verify()[0]


def test_the_admin_shows_the_trail_but_cannot_change_or_delete_it(trail, page):
    admin = page("admin")
    entry_id = trail[0].log_entry_id
    assert admin.get("/admin/auditlog/logentry/").status_code == 200
    assert admin.get(f"/admin/auditlog/logentry/{entry_id}/delete/").status_code == 403
    assert (
        admin.post(f"/admin/auditlog/logentry/{entry_id}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert admin.get("/admin/core/auditseal/").status_code == 200
    assert admin.get("/admin/core/auditseal/add/").status_code == 403
    assert (
        admin.post(f"/admin/core/auditseal/{trail[0].pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert LogEntry.objects.count() == AuditSeal.objects.count() == len(trail)


def test_deleting_objects_in_bulk_still_logs_and_seals_each_deletion(users):
    with acting_as(users.admin):
        ServiceFactory.create_batch(3, delivery_group=users.own, name="Doomed")
        Service.objects.filter(name="Doomed").delete()
    deletions = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_repr="Doomed")
    assert deletions.count() == 3
    assert all(AuditSeal.objects.filter(log_entry=entry).exists() for entry in deletions)
    assert verify()[0]


def test_deleting_a_user_who_made_changes_leaves_the_trail_intact(users):
    leaver = UserFactory(username="leaver")
    with acting_as(leaver):
        PersonFactory(name="Made by a leaver")
    leaver.delete()
    assert LogEntry.objects.get(object_repr="Made by a leaver").actor is None
    assert verify()[0]


def test_operations_that_delete_still_log_through_the_chain(users):
    person = PersonFactory(name="Removed")
    delete_object(person, by=users.admin)
    entry = LogEntry.objects.get(object_repr="Removed", action=LogEntry.Action.DELETE)
    assert entry.seal.sequence == AuditChainHead.objects.get().sequence
    assert verify()[0]


# --- Tampering behind OSR's back --------------------------------------------------------


def test_verify_passes_an_untouched_trail_and_prints_its_head(trail):
    passed, lines = verify()
    assert passed
    assert lines == [
        f"Audit trail intact: {len(trail)} entries, head {trail[-1].sequence}:{trail[-1].hash}"
    ]


@pytest.mark.parametrize(
    "column, value",
    [
        ("object_repr", "Nothing to see"),
        ("changes", '{"name": ["", "Forged"]}'),
        ("action", 2),
        ("cid", "another-request"),
        ("timestamp", "2020-01-01 00:00:00"),
        ("actor_id", None),
        ("remote_addr", "10.9.8.7"),
    ],
)
def test_an_entry_edited_behind_osrs_back_is_reported(trail, column, value):
    edited = middle(trail)
    sql(f"UPDATE auditlog_logentry SET {column} = %s WHERE id = %s", value, edited.log_entry_id)
    passed, lines = verify()
    assert not passed
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"Entry {edited.sequence} (audit entry id {edited.log_entry_id}, ")
    assert lines[0].endswith("was edited: it no longer matches its seal")
    assert lines[-1] == "The audit trail was altered outside OSR: 1 problem"


def test_an_entry_inserted_behind_osrs_back_is_reported(trail):
    forged = LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=ContentType.objects.get_for_model(Person),
                object_pk="1",
                object_repr="Inserted",
                action=LogEntry.Action.UPDATE,
            )
        ]
    )[0]
    passed, lines = verify()
    assert not passed
    assert len(lines) == 2
    assert lines[0].startswith(f"Audit entry id {forged.pk} (‘Updated Inserted’ at ")
    assert lines[0].endswith("has no seal: inserted")


def test_an_entry_deleted_behind_osrs_back_is_reported(trail):
    deleted = middle(trail)
    sql("DELETE FROM core_auditseal WHERE sequence = %s", deleted.sequence)
    sql("DELETE FROM auditlog_logentry WHERE id = %s", deleted.log_entry_id)
    passed, lines = verify()
    assert not passed
    assert lines == [
        f"Entry {deleted.sequence} is missing: deleted",
        "The audit trail was altered outside OSR: 1 problem",
    ]


def test_the_last_entries_deleted_behind_osrs_back_are_reported(trail):
    for seal in trail[-2:]:
        sql("DELETE FROM core_auditseal WHERE id = %s", seal.pk)
        sql("DELETE FROM auditlog_logentry WHERE id = %s", seal.log_entry_id)
    passed, lines = verify()
    assert not passed
    n = len(trail)
    assert lines[0] == f"Entries {n - 1}–{n} are missing: deleted (the end of the chain)"


def test_a_chain_rewritten_after_an_edit_is_caught_by_a_head_kept_outside_osr(trail):
    anchor = f"{trail[-1].sequence}:{trail[-1].hash}"
    edited = middle(trail)
    sql("UPDATE auditlog_logentry SET object_repr = 'Rewritten' WHERE id = %s", edited.log_entry_id)
    # Someone who knows how seals are made recomputes every seal from there on.
    prev_hash = edited.prev_hash
    for seal in trail[trail.index(edited) :]:
        entry = LogEntry.objects.get(pk=seal.log_entry_id)
        label = f"{entry.content_type.app_label}.{entry.content_type.model}"
        new_hash = digest(entry_content(entry, label), seal.sequence, prev_hash)
        sql("UPDATE core_auditseal SET prev_hash = %s, hash = %s WHERE id = %s",
            prev_hash, new_hash, seal.pk)  # fmt: skip
        prev_hash = new_hash
    sql("UPDATE core_auditchainhead SET hash = %s", prev_hash)

    assert verify()[0]
    passed, lines = verify("--anchor", anchor)
    assert not passed
    assert lines[0] == (
        f"Entry {trail[-1].sequence}: its hash differs from the one recorded outside OSR: "
        "the chain was rewritten"
    )


def test_a_malformed_anchor_is_refused_in_one_line(trail):
    with pytest.raises(CommandError, match="is not SEQUENCE:HASH"):
        call_command("audit", "verify", "--anchor", "12:nothex")
