"""A writing process killed with SIGKILL mid-stream loses nothing it committed and leaves
nothing half-done: the database is sound, the audit chain verifies, and the audit
entries match the committed changes exactly. A backup taken while processes write is
just as consistent.

Each test runs real OSR processes against a scratch database of its own: a SQLite
file, and a temporary PostgreSQL database when DATABASE_URL names a PostgreSQL server.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import dj_database_url
import pytest

pytestmark = pytest.mark.slow

SETUP = """
import django
django.setup()
from osr.catalogue.models import DeliveryGroup
DeliveryGroup.objects.create(name="Crash testing", slug="crash")
"""

# Creates services one transaction at a time, as the pages and the API do, and
# prints each slug once its transaction has committed. Given a line on stdin, it
# stops inside its next transaction, with the change written but not committed.
WRITER = """
import select
import sys
import time
import django
django.setup()
from django.db import transaction
from django.contrib.auth.models import User
from osr.catalogue.forms import ServiceForm
from osr.catalogue.services import save_form
from osr.core.audit import acting_as

prefix = sys.argv[1]
user = User.objects.create_user(f"writer-{prefix}")
print("ready", flush=True)
n = 0
while True:
    n += 1
    slug = f"{prefix}-{n}"
    data = {"name": f"Service {slug}", "slug": slug, "delivery_group": "crash"}
    for name, field in ServiceForm().fields.items():
        if field.required and name not in data and getattr(field, "choices", None):
            data[name] = next(value for value, _label in field.choices if value)
    form = ServiceForm(data=data)
    if not form.is_valid():
        sys.exit(form.errors.as_json())
    with transaction.atomic(), acting_as(user):
        save_form(form, by=user)
        if select.select([sys.stdin], [], [], 0)[0]:
            # Asked to stop with the change written but not committed: wait to be killed.
            print(f"in-flight {slug}", flush=True)
            time.sleep(600)
    print(slug, flush=True)
"""

ENTRIES = """
SELECT e.object_pk, s.id FROM auditlog_logentry e
JOIN django_content_type ct ON ct.id = e.content_type_id
LEFT JOIN core_auditseal s ON s.log_entry_id = e.id
WHERE ct.app_label = 'catalogue' AND ct.model = %s AND e.action = 0
"""


class ScratchDatabase:
    """An OSR database of a test's own, migrated, with the processes that use it.

    ``template`` is a migrated database to copy, much faster than migrating again.
    """

    def __init__(self, engine: str, data_dir: Path, template: ScratchDatabase | None = None):
        self.engine = engine
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        if engine == "sqlite":
            self.file = data_dir / "osr.sqlite3"
            self.url = f"sqlite:///{self.file}"
            if template:
                shutil.copyfile(template.file, self.file)
        else:
            server = dj_database_url.parse(os.environ["DATABASE_URL"])
            self.server = {
                "host": server["HOST"] or None,
                "port": server["PORT"] or None,
                "user": server["USER"] or None,
                "password": server["PASSWORD"] or None,
            }
            self.name = f"osr_scratch_{uuid.uuid4().hex[:12]}"
            copy = f' TEMPLATE "{template.name}"' if template else ""
            self._admin(f'CREATE DATABASE "{self.name}"{copy}')
            auth = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{server['HOST']}:{server['PORT'] or 5432}/{self.name}"
        if not template:
            self.osr("migrate", "--no-input")

    @property
    def env(self) -> dict:
        env = dict(os.environ, OSR_DEBUG="1", OSR_DATA_DIR=str(self.data_dir))
        env["DATABASE_URL"] = self.url
        env["DJANGO_SETTINGS_MODULE"] = "osr.settings"
        return env

    def osr(self, *args, check=True) -> subprocess.CompletedProcess:
        """Run an ``osr`` command against this database."""
        result = subprocess.run(
            [sys.executable, "-m", "osr.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def python(self, script: str, *args) -> None:
        result = subprocess.run(
            [sys.executable, "-c", script, *args], env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr

    def start_writer(self, prefix: str) -> Writer:
        return Writer(self, prefix)

    def query(self, sql: str, *params) -> list[tuple]:
        if self.engine == "sqlite":
            with sqlite3.connect(self.file) as database:
                return database.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(dbname=self.name, **self.server) as database:
            cursor = database.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def integrity_problems(self) -> list:
        """What the database's own consistency checks find (nothing, when sound)."""
        if self.engine == "sqlite":
            problems = [row for row in self.query("PRAGMA integrity_check") if row != ("ok",)]
            return problems + self.query("PRAGMA foreign_key_check")
        # Every B-tree index agrees with its table (PostgreSQL's amcheck).
        self.query("CREATE EXTENSION IF NOT EXISTS amcheck")
        self.query(
            "SELECT bt_index_check(c.oid, true) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
            "WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
        )
        return []

    def drop(self) -> None:
        if self.engine != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as server:
            server.execute(statement)


class Writer:
    """A writing process, and the slugs it has reported committed."""

    def __init__(self, database: ScratchDatabase, prefix: str):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, prefix],
            env=database.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.committed: list[str] = []
        self.in_flight: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            line = line.strip()
            if line.startswith("in-flight "):
                self.in_flight.append(line.removeprefix("in-flight "))
            elif line != "ready":
                self.committed.append(line)

    def stop_mid_transaction(self) -> str:
        """Have the writer stop inside its next transaction; the slug it was writing."""
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        self.wait_for(0, in_flight=1)
        return self.in_flight[0]

    def wait_for(self, count: int, timeout: float = 30, *, in_flight: int = 0) -> None:
        """Wait until ``count`` writes have committed (and ``in_flight`` have stopped)."""
        deadline = time.monotonic() + timeout
        while len(self.committed) < count or len(self.in_flight) < in_flight:
            if self.process.poll() is not None:
                pytest.fail(f"The writer stopped: {self.process.stderr.read()}")
            assert time.monotonic() < deadline, "The writer wrote too slowly"
            time.sleep(0.01)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        self.process.stderr.close()
        self.process.stdin.close()
        assert self.process.returncode == -signal.SIGKILL


ENGINES = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:")),
            reason="DATABASE_URL names no PostgreSQL server",
        ),
    ),
]


@pytest.fixture(scope="session", params=ENGINES)
def scratch_template(request, tmp_path_factory):
    """A migrated database with a delivery group to write to, made once per engine."""
    database = ScratchDatabase(request.param, tmp_path_factory.mktemp("template"))
    database.python(SETUP)
    yield database
    database.drop()


@pytest.fixture
def scratch(scratch_template, tmp_path):
    """A database of the test's own, copied from the template."""
    database = ScratchDatabase(scratch_template.engine, tmp_path / "osr", scratch_template)
    yield database
    database.drop()


def check_entries_match_committed_changes(database: ScratchDatabase) -> set[str]:
    """Every committed service and phase change has its create entry, sealed, and no
    entry names one that is not there. Returns the committed slugs."""
    services = dict(database.query("SELECT CAST(id AS TEXT), slug FROM catalogue_service"))
    changes = {
        row[0] for row in database.query("SELECT CAST(id AS TEXT) FROM catalogue_phasechange")
    }
    for model, committed in (("service", set(services)), ("phasechange", changes)):
        entries = database.query(ENTRIES, model)
        assert sorted(pk for pk, _seal in entries) == sorted(committed), model
        assert all(seal is not None for _pk, seal in entries), model
    assert len(changes) == len(services)
    return set(services.values())


def test_writers_killed_mid_stream_leave_a_sound_database_and_a_matching_audit_trail(scratch):
    reported: set[str] = set()
    uncommitted: set[str] = set()
    writers = 0
    for round_ in range(2):
        first, second = running = [scratch.start_writer(f"r{round_}w{n}") for n in range(2)]
        writers += len(running)
        first.wait_for(3)
        second.wait_for(random.randint(3, 10))
        # One writer is killed at whatever moment it has reached, the other with a
        # change written but not committed.
        time.sleep(random.uniform(0, 0.02))
        second.kill()
        uncommitted.add(first.stop_mid_transaction())
        first.kill()
        for writer in running:
            reported.update(writer.committed)

    assert scratch.integrity_problems() == []
    verified = scratch.osr("audit", "verify", check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    committed = check_entries_match_committed_changes(scratch)
    # Nothing reported committed is lost; at most the one write each writer had in
    # flight committed without being reported.
    assert reported <= committed
    assert len(committed - reported) <= writers
    assert uncommitted and not uncommitted & committed
    names = [f"Service {slug}" for slug in uncommitted]
    placeholders = ", ".join(["%s"] * len(names))
    assert (
        scratch.query(
            f"SELECT id FROM auditlog_logentry WHERE object_repr IN ({placeholders})", *names
        )
        == []
    )


def test_a_backup_taken_while_osr_writes_is_consistent(scratch, scratch_template, tmp_path):
    running = [scratch.start_writer(f"w{n}") for n in range(2)]
    for writer in running:
        writer.wait_for(3)
    backup = tmp_path / "live.tar.gz"
    scratch.osr("backup", str(backup))
    for writer in running:
        writer.wait_for(len(writer.committed) + 3)
        writer.kill()

    restored = ScratchDatabase(scratch.engine, tmp_path / "restored", scratch_template)
    try:
        restored.osr("restore", str(backup), "--yes")
        assert restored.integrity_problems() == []
        verified = restored.osr("audit", "verify", check=False)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        services = check_entries_match_committed_changes(restored)
        assert services and services < check_entries_match_committed_changes(scratch)
    finally:
        restored.drop()
