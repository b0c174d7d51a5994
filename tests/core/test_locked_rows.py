"""An edit or a phase move reads its service once, locked, and its audit entry and the graph's
check compare with that row: what they record is what a fresh read of the row would give."""

from __future__ import annotations

from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import Service, locked_service
from osr.core import locked_rows
from osr.graph.models import GraphVersion

from ..browsing import forms_of
from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db

UPDATE = LogEntry.Action.UPDATE


def _reads_before_writing(statements: list[str], *, whole: bool = False) -> list[str]:
    """The statements reading the service's table (``whole``: its whole row) before the
    write that changes it."""
    write = next(i for i, s in enumerate(statements) if s.startswith('UPDATE "catalogue_service"'))
    start = 'SELECT "catalogue_service"."id", "catalogue_service"."created"' if whole else "SELECT"
    return [
        s for s in statements[:write] if s.startswith(start) and 'FROM "catalogue_service"' in s
    ]


def _updates_of(service) -> list[LogEntry]:
    return list(
        LogEntry.objects.get_for_object(service).filter(action=UPDATE).order_by("timestamp", "id")
    )


@pytest.fixture
def flood(users):
    return ServiceFactory(
        slug="flood",
        delivery_group=users.own,
        description="Warns",
        repository_urls=["https://github.com/DEFRA/flood"],
    )


def test_an_api_edit_reads_its_service_once_and_audits_what_changed(api, flood):
    client, path = api("delivery"), "/api/v1/services/flood"
    etag = client.current_etag(path)
    body = {
        "description": "Warns early",
        "repository_urls": ["https://github.com/DEFRA/flood", "https://github.com/DEFRA/flood-api"],
    }
    with CaptureQueriesContext(connection) as queries:
        assert client.patch(path, body, if_match=etag).status_code == 200
    reads = _reads_before_writing([q["sql"] for q in queries])
    assert len(reads) == 1, reads
    if connection.features.has_select_for_update:
        assert reads[0].endswith('FOR UPDATE OF "catalogue_service"'), reads
    (entry,) = _updates_of(flood)
    assert entry.changes_dict == {
        "description": ["Warns", "Warns early"],
        "repository_urls": [
            '["https://github.com/DEFRA/flood"]',
            '["https://github.com/DEFRA/flood", "https://github.com/DEFRA/flood-api"]',
        ],
    }


def test_a_page_edit_submitted_as_shown_reads_its_service_once_and_audits_what_changed(page, flood):
    client = page("delivery")
    shown = client.get("/services/flood/edit").content.decode()
    (form,) = [f for f in forms_of(shown, "/services/flood/edit") if "_version" in f.names]
    with CaptureQueriesContext(connection) as queries:
        saved = client.post(form.action, form.as_post() | {"description": ["Warns early"]})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert len(_reads_before_writing([q["sql"] for q in queries])) == 1
    (entry,) = _updates_of(flood)
    assert entry.changes_dict == {"description": ["Warns", "Warns early"]}


def test_a_phase_move_reads_its_service_once_and_audits_the_move(api, flood):
    with CaptureQueriesContext(connection) as queries:
        response = api("delivery").post("/api/v1/services/flood/phase", {"phase": "alpha"})
    assert response.status_code == 200
    # The address's service, whose right to move it is checked, and the move's locked read.
    assert len(_reads_before_writing([q["sql"] for q in queries], whole=True)) == 2
    (entry,) = _updates_of(flood)
    assert entry.changes_dict["phase"] == ["discovery", "alpha"]


def test_an_edit_changes_the_graph_only_when_it_changes_what_the_index_reads(api, flood):
    client, path = api("delivery"), "/api/v1/services/flood"
    before = GraphVersion.current()
    edited = client.patch(path, {"description": "Other"}, if_match=client.current_etag(path))
    assert edited.status_code == 200
    assert GraphVersion.current() == before
    renamed = client.patch(path, {"name": "Flood warnings"}, if_match=client.current_etag(path))
    assert renamed.status_code == 200
    assert GraphVersion.current() != before


def test_a_second_save_in_the_block_compares_with_what_the_first_saved(flood):
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=flood.pk)
        with locked_rows.kept(locked_rows.copy_of(locked)):
            locked.description = "First"
            locked.save()
            locked.description = "Second"
            locked.save()
    first, second = _updates_of(flood)
    assert first.changes_dict == {"description": ["Warns", "First"]}
    assert second.changes_dict == {"description": ["First", "Second"]}


def test_a_kept_row_is_its_own_and_only_a_whole_row_is_kept(flood):
    kept = locked_rows.copy_of(flood)
    flood.repository_urls.append(
        "https://github.com/DEFRA/flood-api"
    )  # a JSON value changed in place
    flood.description = "Changed"
    assert (
        kept.repository_urls == ["https://github.com/DEFRA/flood"] and kept.description == "Warns"
    )
    assert locked_rows.copy_of(Service.objects.only("slug").get(pk=flood.pk)) is None


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_no_row_is_kept(flood):
    with locked_rows.kept(locked_rows.copy_of(flood)):
        assert locked_rows.as_stored(Service, flood.pk) is None
        flood.description = "Changed"
        flood.save()
    (entry,) = _updates_of(flood)
    assert entry.changes_dict == {"description": ["Warns", "Changed"]}


def test_a_move_locks_its_service_by_sql_written_once(flood):
    with transaction.atomic():
        locked_service(flood.pk)  # written the first time, as a process starts
        written = mock.patch.object(SQLCompiler, "as_sql", autospec=True)
        with written as writes, CaptureQueriesContext(connection) as queries:
            assert locked_service(flood.pk) == flood
        assert writes.call_count == 0 and len(queries) == 1
        if connection.features.has_select_for_update:
            assert queries[0]["sql"].endswith("FOR UPDATE")
        with pytest.raises(Service.DoesNotExist):
            locked_service(flood.pk + 1000)
