"""OSR served as in production for a benchmark: gunicorn on a free local port, and stopping it.

Benchmarks call the addresses people and clients call, so they start the real
server rather than timing functions in process.
"""

from __future__ import annotations

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
    production = {k: v for k, v in env.items() if k != "OSR_DEBUG"} | {
        "OSR_SECRET_KEY": secrets.token_urlsafe(50),
        "OSR_ALLOWED_HOSTS": HOST,
        "OSR_SECURE_COOKIES": "0",
        "OSR_LOG_FORMAT": "json",
    }
    # Persistent database connections, as a production deployment keeps them.
    production.setdefault("OSR_DB_CONN_MAX_AGE", "60")
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    worker_class = "gthread" if threads > 1 else "sync"
    command = [str(BIN / "gunicorn"), "osr.wsgi:application", "--bind", f"{HOST}:{port}",
               "--workers", str(workers), "--threads", str(threads),
               "--worker-class", worker_class, "--backlog", "2048",
               "--timeout", str(timeout)]  # fmt: skip
    with log.open("w") as out:
        server = subprocess.Popen(command, env=production, stdout=out, stderr=out)
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
