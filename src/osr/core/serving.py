"""Gunicorn's settings for ``osr serve``: workers for the cores present, metrics across them.

Loaded by gunicorn as ``-c python:osr.core.serving``. Every worker writes its
Prometheus counters to files in ``PROMETHEUS_MULTIPROC_DIR`` so that /metrics,
answered by any one worker, counts the requests of all of them.
"""

from __future__ import annotations

import gc
import os


def default_workers(cores: int | None = None) -> int:
    """Two workers a core, and one more: the request path waits on the database as much as
    it computes, so a core serves two well; the spare covers a worker being recycled."""
    return 2 * (cores or os.cpu_count() or 1) + 1


def default_threads() -> int:
    """One thread a worker: a sync worker. Measured with ``bench/load.py`` on 2 cores, two
    threads a worker answered as many requests (191-209 a second against 205-207) with
    a worse p95 (530-592 ms against 304-308), holding twice the database connections
    (one a thread)."""
    return 1


def child_exit(_server, worker) -> None:
    """A worker that stops leaves its live gauges behind; its counters stay counted."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(_server) -> None:
    """OSR is loaded, and the workers are about to be forked from it. What apps build
    before the fork (``core.warmup``) every worker starts with; and what is built so far
    lives as long as they do, so the collector need not walk it again in each of them
    (and, untouched, its memory stays shared)."""
    from osr.core.warmup import warm

    warm()
    gc.freeze()


# Load OSR once, in the master, and fork ready workers from it: a worker started or
# recycled answers at once, instead of spending its first request importing OSR.
preload_app = True

# Recycle workers now and then, so that a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# The request log is the application's own (JSON in production); gunicorn's adds nothing.
accesslog = None
