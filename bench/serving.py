"""OSR served as in production for a benchmark: gunicorn on a free local port, and stopping it.

Benchmarks call the addresses people and clients call, so they start the real
server rather than timing functions in process: either gunicorn with the
options given, or ``osr serve`` itself, configured as a deployment is.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def start_gunicorn(
    env: dict, log: Path, *, workers: int = 1, threads: int = 1, timeout: int = 120
) -> tuple[subprocess.Popen, str]:
    """OSR under gunicorn with production settings, ready to answer; and its base URL."""
    port = _free_port()
    worker_class = "gthread" if threads > 1 else "sync"
    command = [str(BIN / "gunicorn"), "osr.wsgi:application", "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--threads", str(threads),
               "--worker-class", worker_class, "--backlog", "2048",
               "--timeout", str(timeout)]  # fmt: skip
    return _started(command, _production(env), log, port)


def start_osr_serve(
    env: dict, log: Path, *, workers: int | None = None, threads: int | None = None
) -> tuple[subprocess.Popen, str]:
    """OSR as ``osr serve`` runs it (its gunicorn configuration, and its defaults for the
    workers and threads not given), ready to answer; and its base URL."""
    port = _free_port()
    command = [str(BIN / "osr"), "serve", "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(workers)] if workers else []
    command += ["--threads", str(threads)] if threads else []
    return _started(command, _production(env), log, port)


def start_task_worker(env: dict, log: Path) -> subprocess.Popen:
    """``osr db_worker`` beside the server, as a deployment runs it, without the daily
    schedule (a bench is not the place for the day's jobs to catch up)."""
    command = [str(BIN / "osr"), "db_worker", "--no-schedule", "--no-startup-delay",
               "--interval", "0.2"]  # fmt: skip
    with log.open("a") as out:
        return subprocess.Popen(command, env=_production(env), stdout=out, stderr=out)


def _production(env: dict) -> dict:
    production = {k: v for k, v in env.items() if k != "OSR_DEBUG"} | {
        "OSR_SECRET_KEY": secrets.token_urlsafe(50),
        "OSR_ALLOWED_HOSTS": HOST,
        "OSR_SECURE_COOKIES": "0",
        "OSR_LOG_FORMAT": "json",
    }
    # Persistent database connections, as a production deployment keeps them.
    production.setdefault("OSR_DB_CONN_MAX_AGE", "60")
    return production


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _started(command: list[str], env: dict, log: Path, port: int):
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=out)
    base = f"http://{HOST}:{port}"
    for _ in range(600):
        if server.poll() is not None:
            break
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop(server)
    sys.exit(f"gunicorn did not become ready:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def workers_of(server: subprocess.Popen) -> list[int]:
    """The process ids of gunicorn's workers (the children of its master)."""
    return [pid for pid in _pids() if _stat(pid)[1:2] == [str(server.pid)]]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """The processor time (user and system) each process has used so far, by id."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        if fields := _stat(pid):
            used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command's name; empty once it has gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []
