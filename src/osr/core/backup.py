"""Backups: a consistent snapshot of the database and the uploaded files, and restoring one.

A backup is one ``.tar.gz`` holding ``manifest.json`` (what was taken, when, from
which database, and a SHA-256 of every member), the database and ``uploads/``.
On SQLite the database is copied page by page with SQLite's online backup API,
which reads one consistent snapshot while other processes keep writing. On
PostgreSQL (or with ``portable``) every row of every table is written as Django
serialises it, inside one read-only repeatable-read transaction; such a backup
restores into either database.

The database is taken before the files: a file is stored before the row that
names it commits, so every file the snapshot refers to is there.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime, time
from pathlib import Path, PurePosixPath

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "osr-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
ROWS_FILE = "database.jsonl"
UPLOADS = "uploads"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be written, read or restored; the message says why."""


# --- Writing ----------------------------------------------------------------------------


def write_backup(path, *, portable: bool = False, using: str = "default") -> dict:
    """Write a backup of the database and the uploaded files to ``path``; return its manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name")
    connection = connections[using]
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".osr-backup-") as work:
        if connection.vendor == "sqlite" and not portable:
            member = SQLITE_FILE
            _snapshot_sqlite(connection, Path(work) / member)
            migrations = _sqlite_migrations(Path(work) / member)
        else:
            member = ROWS_FILE
            migrations = _dump_rows(using, Path(work) / member)
        checksums: dict[str, str | None] = {}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "taken": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": connection.vendor,
            "database": member,
            "migrations": migrations,
            "checksums": checksums,
        }
        try:
            with tarfile.open(partial, "w:gz") as tar:
                checksums[member] = _add_file(tar, Path(work) / member, member)
                for name, file in _upload_files():
                    checksum = _add_file(tar, file, f"{UPLOADS}/{name}")
                    if checksum is not None:
                        checksums[f"{UPLOADS}/{name}"] = checksum
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _snapshot_sqlite(connection, target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # All pages in one step: one read transaction, so one consistent snapshot.
        connection.connection.backup(copy, pages=-1)
    finally:
        copy.close()


def _sqlite_migrations(file: Path) -> list[str]:
    database = sqlite3.connect(file)
    try:
        rows = database.execute("SELECT app, name FROM django_migrations").fetchall()
    finally:
        database.close()
    return sorted(f"{app}.{name}" for app, name in rows)


def _dump_rows(using: str, target: Path) -> list[str]:
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        migrations = _applied_migrations(connection)
        serializer = serializers.get_serializer("jsonl")()
        with open(target, "w", encoding="utf-8") as stream:
            for model in _stored_models(using):
                rows = model._base_manager.using(using).order_by(model._meta.pk.name)
                # Columns only: many-to-many rows are dumped as their own table, ids and all.
                fields = [f.name for f in model._meta.local_fields if not f.primary_key]
                serializer.serialize(
                    rows.iterator(chunk_size=2000), stream=stream, fields=fields, cls=_Exact
                )
    return migrations


class _Exact(DjangoJSONEncoder):
    """Django's encoder, but keeping the microseconds it rounds away from times."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _stored_models(using: str) -> list:
    """Every model with a table of its own, many-to-many tables included."""
    return sorted(
        (
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed
            and not model._meta.proxy
            and not model._meta.swapped
            and router.allow_migrate_model(using, model)
        ),
        key=lambda model: model._meta.label,
    )


def _applied_migrations(connection) -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def _upload_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            file = Path(folder) / name
            if file.is_file() and not file.is_symlink():
                yield file.relative_to(root).as_posix(), file


def _add_file(tar: tarfile.TarFile, file: Path, name: str) -> str | None:
    """Add a file as it is now, hashing exactly the bytes stored."""
    try:
        handle = open(file, "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        return None  # deleted since the walk found it
    with handle:
        info = tar.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _Hashing(handle)
        tar.addfile(info, reader)
    return reader.sha256.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(content))


class _Hashing:
    """A reader that hashes what passes through it."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.handle.read(size)
        self.sha256.update(chunk)
        return chunk


# --- Restoring --------------------------------------------------------------------------


def holds_data(using: str = "default") -> bool:
    """Whether the database has been used: it has users or audit entries."""
    user_model = get_user_model()
    return user_model._base_manager.using(using).exists() or LogEntry.objects.using(using).exists()


def restore_backup(path, *, replace: bool = False, using: str = "default") -> dict:
    """Replace the database and the uploaded files with a backup's; return its manifest.

    Refuses to replace a database that holds data unless ``replace`` is given.
    Every checksum is verified before anything is changed.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}")
    if not replace and holds_data(using):
        raise BackupError("The database is not empty; pass --yes to replace it with the backup")
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A backup cannot be restored inside a transaction")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".osr-restore-") as folder:
        work = Path(folder)
        manifest = _unpack(path, work)
        member = work / manifest["database"]
        if manifest["database"] == SQLITE_FILE:
            _check_sqlite_migrations(_sqlite_migrations(member))
            _restore_sqlite(connection, member)
        else:
            _check_rows_migrations(manifest["migrations"], connection)
            _restore_rows(using, member)
        ContentType.objects.clear_cache()
        _replace_uploads(work / UPLOADS, media_root, work / "previous")
    return manifest


def _unpack(path: Path, work: Path) -> dict:
    """Extract the backup into ``work``, refusing anything unsafe, and check every checksum."""
    found: dict[str, str] = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                if info.isdir():
                    continue
                name = _safe_name(info)
                target = work / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(info)
                if source is None:
                    raise BackupError(f"The backup holds an unreadable member: {info.name}")
                with source, open(target, "wb") as copy:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        copy.write(chunk)
                found[name] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a readable OSR backup: {error}") from error
    if MANIFEST not in found:
        raise BackupError(f"{path} is not an OSR backup: it has no {MANIFEST}")
    manifest = json.loads((work / MANIFEST).read_text())
    if manifest.get("format") != FORMAT or manifest.get("version", 0) > VERSION:
        raise BackupError(f"{path} is not a backup this version of OSR can read")
    expected = manifest["checksums"]
    found.pop(MANIFEST)
    if manifest["database"] not in expected:
        raise BackupError(f"The backup's manifest names no checksum for {manifest['database']}")
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            raise BackupError(f"The backup is damaged: {name} is missing")
        if name not in expected:
            raise BackupError(f"The backup is damaged: {name} is not in its manifest")
        if found[name] != expected[name]:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum")
    return manifest


def _safe_name(info: tarfile.TarInfo) -> str:
    name = PurePosixPath(info.name)
    allowed = name.as_posix() in (MANIFEST, SQLITE_FILE, ROWS_FILE) or (
        len(name.parts) > 1 and name.parts[0] == UPLOADS
    )
    if not info.isfile() or name.is_absolute() or ".." in name.parts or not allowed:
        raise BackupError(f"The backup holds an unexpected member: {info.name}")
    return name.as_posix()


def _check_sqlite_migrations(migrations: list[str]) -> None:
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = sorted(set(migrations) - known)
    if unknown:
        raise BackupError(
            "The backup comes from a newer version of OSR (unknown migrations: "
            f"{', '.join(unknown[:3])}); restore it with that version"
        )


def _check_rows_migrations(migrations: list[str], connection) -> None:
    applied = set(_applied_migrations(connection))
    if set(migrations) != applied:
        newer, older = sorted(set(migrations) - applied), sorted(applied - set(migrations))
        raise BackupError(
            "The backup was taken at another database version "
            f"(only in the backup: {', '.join(newer[:3]) or 'none'}; "
            f"only here: {', '.join(older[:3]) or 'none'}); migrate to the backup's version first"
        )


def _restore_sqlite(connection, file: Path) -> None:
    if connection.vendor != "sqlite":
        raise BackupError(
            "This backup holds a SQLite database; restore it into OSR on SQLite, "
            "or take a portable backup (osr backup --portable)"
        )
    connection.ensure_connection()
    source = sqlite3.connect(file)
    try:
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()
    # The schema and every cached statement came from the old database.
    connection.close()


def _restore_rows(using: str, file: Path) -> None:
    connection = connections[using]
    loaded: list = []
    with transaction.atomic(using=using):
        flush = sql_flush(no_style(), connection, reset_sequences=False, allow_cascade=False)
        connection.ops.execute_sql_flush(flush)
        batch: list = []
        with open(file, encoding="utf-8") as stream:
            for row in serializers.deserialize("jsonl", stream, using=using):
                if batch and (type(row.object) is not type(batch[0]) or len(batch) == 500):
                    _insert(connection, batch)
                    batch = []
                batch.append(row.object)
                if not loaded or loaded[-1] is not type(row.object):
                    loaded.append(type(row.object))
        if batch:
            _insert(connection, batch)
        reset = connection.ops.sequence_reset_sql(no_style(), loaded)
        with connection.cursor() as cursor:
            for statement in reset:
                cursor.execute(statement)


def _insert(connection, rows: list) -> None:
    """Insert rows exactly as stored: no signal fires, no field fills itself in."""
    meta = rows[0]._meta
    fields = meta.local_concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _replace_uploads(staged: Path, media_root: Path, previous: Path) -> None:
    staged.mkdir(parents=True, exist_ok=True)
    media_root.mkdir(parents=True, exist_ok=True)
    previous.mkdir(parents=True, exist_ok=True)
    # Entry by entry rather than the folder itself, which may be a mount point.
    for entry in list(media_root.iterdir()):
        shutil.move(entry, previous / entry.name)
    for entry in list(staged.iterdir()):
        shutil.move(entry, media_root / entry.name)
