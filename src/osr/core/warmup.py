"""What a served OSR builds before its first request: apps register builders here.

``osr serve`` loads OSR once and forks its workers from it (``core.serving``). What
is built before the fork, every worker, recycled ones included, starts with,
instead of building it in a request: the graph's index, say, about ten seconds at a
million services. Core knows nothing of what apps build; they register it in
``AppConfig.ready``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)

_builders: list[Callable[[], object]] = []


def register_warmup(builder: Callable[[], object]) -> None:
    """Have ``builder`` run once when a server starts, before its workers are forked."""
    if builder not in _builders:
        _builders.append(builder)


def warm() -> None:
    """Run every registered builder. A failure is logged, never fatal: the first request
    that needs what it builds builds it. Database connections are closed after, so that
    each worker opens its own rather than sharing the master's."""
    try:
        for builder in _builders:
            try:
                builder()
            except Exception:
                logger.warning("%s did not run at start", builder.__qualname__, exc_info=True)
    finally:
        connections.close_all()
