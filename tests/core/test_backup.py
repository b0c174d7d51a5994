"""``osr backup`` and ``osr restore``: a backup brings back every row of every table and
every uploaded file exactly, and checks itself before it changes anything. (A backup
taken while OSR processes keep writing is tested in test_crash.py.)"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from osr.catalogue import search_index
from osr.catalogue.filters import ServiceFilterSet
from osr.catalogue.models import Person, Service
from osr.core.audit import acting_as

from ..factories import PersonFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def every_row() -> dict[str, list[str]]:
    """Every row of every table, as the database returns it.

    SQLite's search index of services is left out: it is built from the services'
    rows by triggers, and its inner layout depends on the order rows reached it
    (that it still finds them is checked on its own).
    """
    rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(search_index.FTS_TABLE):
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


def every_file(root: Path) -> dict[str, str]:
    return {
        file.relative_to(root).as_posix(): hashlib.sha256(file.read_bytes()).hexdigest()
        for file in sorted(root.rglob("*"))
        if file.is_file()
    }


@pytest.fixture
def uploads(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "data" / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def estate(users, uploads):
    """Services, teams with members, audit entries and uploaded files."""
    with acting_as(users.delivery):
        for n in range(3):
            service = ServiceFactory(delivery_group=users.own, name=f"Estate {n}")
            service.description = "Changed once"
            service.save()
        team = TeamFactory(delivery_group=users.own)
        team.members.add(*PersonFactory.create_batch(2))
    default_storage.save("evidence/2025/runbook.pdf", ContentFile(b"%PDF-1.7 runbook"))
    default_storage.save("evidence/2025/Caf\u00e9 r\u00e9sum\u00e9.txt", ContentFile("é".encode()))
    default_storage.save("guide-exports/guide.docx", ContentFile(bytes(range(256)) * 64))


def change_everything(uploads: Path) -> None:
    ServiceFactory.create_batch(2)
    Person.objects.filter(name__startswith="Live").update(name="Renamed")
    (uploads / "evidence/2025/runbook.pdf").write_bytes(b"overwritten")
    (uploads / "guide-exports/guide.docx").unlink()
    (uploads / "stray.txt").write_text("not in the backup")


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_a_backup_restores_every_row_and_every_file_exactly(estate, uploads, tmp_path, portable):
    rows, files = every_row(), every_file(uploads)
    assert len(files) == 3 and rows["auditlog_logentry"] and rows["catalogue_team_members"]
    backup = tmp_path / "osr-backup.tar.gz"

    out = run("backup", str(backup), *(["--portable"] if portable else []))
    assert out == f"Backed up the {connection.vendor} database and 3 uploaded files to {backup}\n"

    change_everything(uploads)
    assert every_row() != rows and every_file(uploads) != files
    out = run("restore", str(backup), "--yes")
    assert out.startswith(f"Restored the database and 3 uploaded files from {backup} (taken ")

    assert every_row() == rows
    assert every_file(uploads) == files
    assert ServiceFilterSet(data={"q": "Estate 1"}, queryset=Service.objects.all()).qs.count() == 1
    assert run("audit", "verify").startswith("Audit trail intact")
    # OSR carries on writing after a restore, audited and sealed.
    with acting_as(None):
        ServiceFactory(name="After the restore")
    assert run("audit", "verify").startswith("Audit trail intact")


def test_the_manifest_names_the_database_and_a_checksum_for_every_member(estate, uploads, tmp_path):
    backup = tmp_path / "b.tar.gz"
    run("backup", str(backup))
    with tarfile.open(backup) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
        digests = {
            name: hashlib.sha256(tar.extractfile(name).read()).hexdigest()
            for name in names - {"manifest.json"}
        }
    assert manifest["format"] == "osr-backup" and manifest["engine"] == connection.vendor
    assert manifest["checksums"] == digests
    assert {f"uploads/{name}" for name in every_file(uploads)} | {manifest["database"]} == set(
        digests
    )
    assert "core.0001_initial" in manifest["migrations"]


def test_restore_refuses_a_database_that_holds_data_without_yes(estate, uploads, tmp_path):
    backup = tmp_path / "b.tar.gz"
    run("backup", str(backup))
    ServiceFactory(name="Kept")
    rows = every_row()
    with pytest.raises(CommandError, match="The database is not empty; pass --yes"):
        run("restore", str(backup))
    assert every_row() == rows


def test_restore_into_an_empty_database_needs_no_yes(estate, uploads, tmp_path):
    backup = tmp_path / "b.tar.gz"
    run("backup", str(backup))
    rows = every_row()
    call_command("flush", interactive=False)
    run("restore", str(backup))
    assert every_row() == rows


def rewrite(backup: Path, change) -> None:
    """Rewrite a backup's members through ``change(name, bytes) -> (name, bytes) | None``."""
    members = []
    with tarfile.open(backup) as tar:
        for info in tar:
            changed = change(info.name, tar.extractfile(info).read())
            if changed:
                members.append(changed)
    with tarfile.open(backup, "w:gz") as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))


@pytest.mark.parametrize(
    "damage, message",
    [
        (
            lambda name, data: (name, b"tampered" if name.endswith(".pdf") else data),
            "uploads/evidence/2025/runbook.pdf does not match its checksum",
        ),
        (
            lambda name, data: None if name.endswith(".docx") else (name, data),
            "uploads/guide-exports/guide.docx is missing",
        ),
        (
            lambda name, data: (name.replace("uploads/", "../"), data),
            "unexpected member: ../",
        ),
        (
            lambda name, data: (name, data) if name != "manifest.json" else None,
            "it has no manifest.json",
        ),
    ],
    ids=["altered", "missing", "escaping", "no-manifest"],
)
def test_a_damaged_backup_is_refused_before_anything_changes(
    estate, uploads, tmp_path, damage, message
):
    backup = tmp_path / "b.tar.gz"
    run("backup", str(backup))
    rewrite(backup, damage)
    ServiceFactory(name="Kept")
    rows, files = every_row(), every_file(uploads)
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        run("restore", str(backup), "--yes")
    assert every_row() == rows and every_file(uploads) == files
    assert not (uploads.parent / "evidence").exists()


def test_a_backup_never_overwrites_a_file(estate, tmp_path):
    backup = tmp_path / "b.tar.gz"
    backup.write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        run("backup", str(backup))
    assert backup.read_text() == "keep me"


def test_a_file_that_is_not_a_backup_is_refused(estate, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="is not a readable OSR backup"):
        run("restore", str(junk), "--yes")
    assert LogEntry.objects.exists()
