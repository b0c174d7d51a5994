"""A database connection the server has closed costs no request an error.

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

from tests.core.test_crash import ScratchDatabase

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:")),
        reason="DATABASE_URL names no PostgreSQL server",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
