"""Gunicorn's settings for ``osr serve``: workers for the cores present, metrics across them.

Loaded by gunicorn as ``-c python:osr.core.serving``. Every worker writes its
Prometheus counters to files in ``PROMETHEUS_MULTIPROC_DIR`` so that /metrics,
answered by any one worker, counts the requests of all of them.
"""

from __future__ import annotations

import os


def default_workers(cores: int | None = None) -> int:
    """Two workers a core, and one more: the request path waits on the database as much as
    it computes, so a core serves two well; the spare covers a worker being recycled."""
    return 2 * (cores or os.cpu_count() or 1) + 1


def default_threads() -> int:
    """One thread a worker: a sync worker. Measured with ``bench/load.py`` on 2 cores, four
    threads a worker cost the same processor time a request (13 ms) and answered as many
    (20-40 a second either way on a shared machine), holding four times the database
    connections (one a thread)."""
    return 1


def child_exit(_server, worker) -> None:
    """A worker that stops leaves its live gauges behind; its counters stay counted."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# Recycle workers now and then, so that a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# The request log is the application's own (JSON in production); gunicorn's adds nothing.
accesslog = None
