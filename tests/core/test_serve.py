"""``osr serve``: gunicorn with several workers, whose /metrics counts every worker's requests."""

import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest

from osr.core.management.commands.serve import gunicorn_argv
from osr.core.serving import default_threads, default_workers

pytestmark = pytest.mark.slow


def test_workers_follow_the_cores():
    assert default_workers(2) == 5
    assert default_workers(8) == 17


def test_workers_are_sync_workers_unless_threads_are_asked_for():
    argv = gunicorn_argv(bind="0.0.0.0:8000", workers=5, threads=default_threads(), timeout=30)
    assert "--threads" not in argv and "gthread" not in argv


def test_threads_switch_to_the_threaded_worker():
    argv = gunicorn_argv(bind="0.0.0.0:8000", workers=3, threads=4, timeout=30)
    assert argv[1:] == [
        "osr.wsgi:application",
        "--config",
        "python:osr.core.serving",
        "--bind",
        "0.0.0.0:8000",
        "--workers",
        "3",
        "--timeout",
        "30",
        "--threads",
        "4",
        "--worker-class",
        "gthread",
    ]


def test_workers_are_forked_from_osr_loaded_with_every_view(tmp_path):
    """gunicorn loads the application once, before forking; loading it imports every view
    and builds the API, so that no worker spends its first request doing so."""
    from osr.core import serving

    assert serving.preload_app is True
    env = dict(os.environ, OSR_DEBUG="1", OSR_DATA_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, osr.wsgi; print(sorted(sys.modules))"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    modules = loaded.stdout
    for view in ("'osr.api'", "'osr.catalogue.views'", "'osr.readiness.api'", "'osr.graph.api'"):
        assert view in modules


def test_workers_are_forked_with_the_graph_index_built(tmp_path):
    """gunicorn's ``when_ready`` (in the master, before the first fork) builds what apps
    registered, the graph's index among them, and closes the master's connections."""
    env = dict(os.environ, OSR_DEBUG="1", OSR_DATA_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    migrate = subprocess.run(
        [sys.executable, "-m", "osr.cli", "migrate", "-v0"], env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    master = (
        "import osr.wsgi\n"
        "from django.db import connection\n"
        "from osr.catalogue.models import DeliveryGroup, Service\n"
        "from osr.core.serving import when_ready\n"
        "from osr.graph import kept_index\n"
        "group = DeliveryGroup.objects.create(name='Farming', slug='farming')\n"
        "Service.objects.create(name='Portal', slug='portal', delivery_group=group)\n"
        "when_ready(None)\n"
        "print(kept_index._kept.slugs, connection.connection is None)\n"
    )
    forked = subprocess.run(
        [sys.executable, "-c", master], env=env, capture_output=True, text=True, timeout=120
    )
    assert forked.returncode == 0, forked.stderr
    assert forked.stdout.strip() == "['portal'] True"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_metrics_count_the_requests_of_every_worker(tmp_path):
    env = dict(
        os.environ, OSR_DEBUG="1", OSR_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="osr.settings"
    )
    env.pop("DATABASE_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    migrate = subprocess.run(
        [sys.executable, "-m", "osr.cli", "migrate", "-v0"], env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "osr.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        # New connections each time, so that the requests spread over the workers.
        for _ in range(30):
            assert httpx.get(base + "/healthz", timeout=5).status_code == 200
        text = httpx.get(base + "/metrics", timeout=5).text
        counted = sum(
            float(value)
            for value in re.findall(
                r'^osr_http_requests_total\{[^}]*route="healthz"[^}]*status="200"[^}]*\} (\S+)$',
                text,
                re.M,
            )
        )
        assert counted >= 31  # every request, whichever worker answered it
        assert (tmp_path / "prometheus").is_dir()
        assert len(list((tmp_path / "prometheus").glob("counter_*.db"))) >= 2
    finally:
        server.terminate()
        server.wait(timeout=30)
