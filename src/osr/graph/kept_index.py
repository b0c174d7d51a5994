"""The index each process keeps, shared by its requests, and how it follows the graph.

Before each use the graph's version stamp is read (one query). When a write has
changed the graph since the kept index was built:

- a small graph is rebuilt at once, by the request that finds it changed (a few
  milliseconds), so that an answer includes every write committed before it;
- a large one, of more than ``INLINE_REBUILD_LIMIT`` services, external systems and
  dependencies, is rebuilt on a thread beside the requests, which answer from the
  index they have until the new one is ready. No request waits seconds for a
  rebuild (a million services take about ten); an answer may miss a write of the
  last few seconds.

The limit is a size rather than a time so that the same graph is always rebuilt
the same way, however busy the machine.

``osr serve`` builds the index before forking its workers (``core.warmup``), so
each worker, recycled ones included, starts with one; any other process with no
index yet builds one in the request that first needs it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.db import connections

from .index import Index, load_index

# Nodes and edges beyond which a rebuild runs beside the requests: a graph this size
# builds in about 50 ms, half an impact answer's budget (50,000 services and 175,000
# dependencies in about a second; the demo's estate in a few milliseconds).
INLINE_REBUILD_LIMIT = 10_000

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_kept: Index | None = None
_rebuilding: threading.Thread | None = None

_UNREAD = object()
# The version read with what an answer is about, in the same statement (``version_read``).
_version_read: ContextVar[Any] = ContextVar("osr_graph_version_read", default=_UNREAD)


@contextlib.contextmanager
def version_read(version: Any) -> Iterator[None]:
    """Inside the block, the graph's version is ``version``, which the caller has just
    read with the service its answer is about: one round trip fewer for an impact or
    incident answer. Outside, ``current_index`` reads it itself."""
    token = _version_read.set(version)
    try:
        yield
    finally:
        _version_read.reset(token)


def current_index() -> Index:
    """The index for the graph's version now in the database; for a large graph being
    rebuilt, the one it replaces until the rebuild ends.

    The version is read before the rows, so an index built while a write commits
    is stamped with the older version and is rebuilt on the next call.
    """
    from .models import GraphVersion

    version = _version_read.get()
    if version is _UNREAD:
        version = GraphVersion.current()
    if version is None:
        # No write has stamped the graph yet (a fresh or flushed database).
        return load_index(None)
    kept = _kept
    if kept is not None and kept.version == version:
        return kept
    if kept is not None and kept.node_count + kept.edge_count > INLINE_REBUILD_LIMIT:
        _rebuild_beside()
        return kept
    with _lock:
        if _kept is not None and _kept.version == version:
            return _kept
        return _keep(version)


def forget() -> None:
    """Drop this process's index (the next call rebuilds it)."""
    global _kept
    with _lock:
        _kept = None


def settle(timeout: float | None = None) -> None:
    """Wait for a rebuild running beside the requests, if any, to end."""
    rebuilding = _rebuilding
    if rebuilding is not None:
        rebuilding.join(timeout)


def _keep(version: Any) -> Index:
    """Build the index of ``version`` and keep it; the caller holds ``_lock``."""
    global _kept
    _kept = load_index(version)
    return _kept


def _rebuild_beside() -> None:
    """Start a rebuild on a thread of its own, unless one is running."""
    global _rebuilding
    with _lock:
        if _rebuilding is not None and _rebuilding.is_alive():
            return
        _rebuilding = threading.Thread(target=_rebuild, name="osr-graph-index", daemon=True)
        _rebuilding.start()


def _rebuild() -> None:
    from .models import GraphVersion

    try:
        index = load_index(GraphVersion.current())
        global _kept
        with _lock:
            _kept = index
    except Exception:
        # The requests keep the index they have; the next one to find it stale tries again.
        logger.exception("The graph index could not be rebuilt")
    finally:
        connections.close_all()  # this thread's own connection
