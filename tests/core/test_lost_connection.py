"""A database connection the server has closed costs no request an error, and a
kept connection is checked without asking the server anything.

Under ``osr serve`` each worker keeps its PostgreSQL connection between requests
(``OSR_DB_CONN_MAX_AGE``). When PostgreSQL closes it (a restart, a fail-over, an
idle limit, an administrator), the next request the worker answers must be
answered as usual: it used to be answered 500, once a worker, which the load
benchmark met as a rare, unexplained 500 on ``GET /api/v1/services``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from tests.core.test_crash import ScratchDatabase

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:")),
        reason="DATABASE_URL names no PostgreSQL server",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_the_request_after_postgresql_closed_the_connection_is_answered(tmp_path):
    database = ScratchDatabase("postgresql", tmp_path / "data")
    server = None
    try:
        database.osr("users", "create", "reader", "--role", "viewer")
        token = database.osr("token", "create", "reader").stdout.strip()
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "osr.cli", "serve", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1"],
            env=database.env | {"OSR_DB_CONN_MAX_AGE": "60"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert api.get("/api/v1/services").status_code == 200

        database._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database.name}'"
        )

        answers = [api.get("/api/v1/services", params={"page_size": 200}) for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 200], answers[0].text
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        database.drop()


@pytest.fixture
def kept_connection(db):
    """A connection of its own, idle between statements as a worker's is between requests."""
    kept = connections.create_connection(DEFAULT_DB_ALIAS)
    kept.ensure_connection()
    kept.set_autocommit(True)
    yield kept
    kept.close()


def test_an_idle_kept_connection_is_checked_without_a_statement(kept_connection):
    def refuse(*args, **kwargs):
        raise AssertionError("the check sent a statement")

    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    kept_connection.connection.cursor = refuse
    time.sleep(0.2)
    assert kept_connection.is_usable()


def test_a_kept_connection_the_server_closed_is_found_unusable_and_replaced(kept_connection):
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server says goodbye as it ends the session, a moment after being asked to.
    deadline = time.monotonic() + 10
    while kept_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not kept_connection.is_usable()

    kept_connection.health_check_done = False
    kept_connection.close_if_health_check_failed()
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
