"""Anchors: the audit chain's head recorded outside the database, so that a chain cut
short or rewritten from start to end no longer passes ``osr audit verify``."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from osr.core import auditanchor
from osr.core.audit import acting_as
from osr.core.audithash import GENESIS, digest, entry_content
from osr.core.models import AuditChainHead
from osr.core.notifications import schedule

from ..factories import PersonFactory, ServiceFactory
from .test_audit_chain import seals, sql, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(users):
    with acting_as(users.delivery):
        service = ServiceFactory(delivery_group=users.own, name="Waste tracking")
        service.description = "Tracks waste"
        service.save()
        PersonFactory(name="Jo Bloggs")
    return seals()


def anchor(*args) -> str:
    out = io.StringIO()
    call_command("audit", "anchor", *args, stdout=out)
    return out.getvalue().strip()


def truncate(trail, keep: int) -> None:
    """Delete the last entries and move the head back, leaving a shorter chain that
    verifies on its own."""
    for seal in trail[keep:]:
        sql("DELETE FROM core_auditseal WHERE id = %s", seal.pk)
        sql("DELETE FROM auditlog_logentry WHERE id = %s", seal.log_entry_id)
    last = trail[keep - 1]
    sql("UPDATE core_auditchainhead SET sequence = %s, hash = %s", last.sequence, last.hash)


def rewrite_all(trail) -> None:
    """Edit the first entry and recompute every seal and the head, as someone who knows
    how seals are made would."""
    sql("UPDATE auditlog_logentry SET object_repr = 'Rewritten' WHERE id = %s",
        trail[0].log_entry_id)  # fmt: skip
    prev_hash = GENESIS
    for seal in trail:
        entry = LogEntry.objects.get(pk=seal.log_entry_id)
        label = f"{entry.content_type.app_label}.{entry.content_type.model}"
        new_hash = digest(entry_content(entry, label), seal.sequence, prev_hash)
        sql("UPDATE core_auditseal SET prev_hash = %s, hash = %s WHERE id = %s",
            prev_hash, new_hash, seal.pk)  # fmt: skip
        prev_hash = new_hash
    sql("UPDATE core_auditchainhead SET hash = %s", prev_hash)


def test_anchor_appends_the_head_to_the_file_and_the_log(trail, audit_anchor_file, caplog):
    head = AuditChainHead.objects.get()
    with caplog.at_level(logging.INFO, logger="osr.audit"):
        printed = anchor()
        anchor()
    assert (
        printed == f"Anchored the audit trail at {head.sequence}:{head.hash} in {audit_anchor_file}"
    )
    lines = audit_anchor_file.read_text().splitlines()
    assert len(lines) == 2
    recorded = json.loads(lines[-1])
    assert (recorded["sequence"], recorded["hash"]) == (head.sequence, head.hash)
    assert dt.datetime.fromisoformat(recorded["at"]).tzinfo is not None
    assert f"audit chain anchor {head.sequence}:{head.hash}" in caplog.text


def test_verify_checks_against_the_latest_anchor_by_default(trail):
    anchor()
    passed, lines = verify()
    assert passed
    assert lines[1].startswith("It holds the anchor recorded at ")
    assert lines[1].endswith(f"entry {trail[-1].sequence}:{trail[-1].hash}")


def test_a_truncated_chain_fails_verify_against_the_anchor(trail):
    anchor()
    truncate(trail, keep=len(trail) - 2)
    assert verify("--no-anchor")[0]  # on its own, the shorter chain is whole
    passed, lines = verify()
    assert not passed
    assert lines[0] == (
        f"The chain ends at entry {len(trail) - 2}, before entry {len(trail)} recorded outside "
        "OSR: entries were removed from its end (truncated)"
    )
    assert lines[-1] == "The audit trail was altered outside OSR: 1 problem"


def test_a_chain_rewritten_from_its_first_entry_fails_verify_against_the_anchor(trail):
    anchor()
    rewrite_all(trail)
    assert verify("--no-anchor")[0]
    passed, lines = verify()
    assert not passed
    assert lines[0] == (
        f"Entry {trail[-1].sequence}: its hash differs from the one recorded outside OSR: "
        "the chain was rewritten"
    )


def test_an_anchor_file_can_be_named_and_the_default_one_left_out(trail, tmp_path):
    elsewhere = tmp_path / "kept-elsewhere.jsonl"
    anchor("--file", str(elsewhere))
    truncate(trail, keep=2)
    assert verify()[0]  # nothing in the default file
    assert not verify("--anchor", str(elsewhere))[0]
    with pytest.raises(CommandError, match="no such file"):
        call_command("audit", "verify", "--anchor", str(tmp_path / "missing.jsonl"))


def test_a_damaged_anchor_file_is_refused_in_one_line(trail, audit_anchor_file):
    audit_anchor_file.write_text('{"sequence": "x"}\n')
    with pytest.raises(CommandError, match=r"audit-anchors.jsonl:1: not an audit anchor"):
        call_command("audit", "verify")


def test_the_daily_jobs_record_an_anchor(trail, settings, audit_anchor_file):
    assert "osr.core.auditanchor.anchor_daily" in settings.OSR_DAILY_JOBS
    settings.OSR_DAILY_JOBS = ["osr.core.auditanchor.anchor_daily"]
    results = schedule.run_daily_jobs(dt.date(2026, 3, 2))
    head = AuditChainHead.objects.get()
    assert results["osr.core.auditanchor.anchor_daily"]["sequence"] == head.sequence
    latest = auditanchor.latest(audit_anchor_file)
    assert (latest.sequence, latest.hash) == (head.sequence, head.hash)
    assert verify()[0]
