"""After a change: the stored readiness results it touches marked stale in its transaction,
and re-evaluated by the task worker once it commits (``results`` stores and reads them)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from .models import ReadinessResult

log = logging.getLogger(__name__)


@dataclass
class _Waiting:
    """The services a transaction changed, refreshed together once it commits."""

    queue: list  # the connection's on-commit list when the first change came
    ids: set[int] = field(default_factory=set)
    ran: bool = False
    # Those whose rows this transaction has already marked stale (new services too,
    # which have no row yet), with no evaluation loaded since (``results._load_to_store``): a
    # second change to one (a phase move's history and its service) has nothing more
    # to mark.
    marked: set[int] = field(default_factory=set)


def results_changed(service_ids: Iterable[int | None], *, new: bool = False) -> None:
    """What these services' results were evaluated from has changed: mark them stale
    now, in the caller's transaction, and have the task worker re-evaluate them once
    it commits.

    The request that made the change does not evaluate them itself (a service's
    evaluation costs more than the rest of a catalogue write), nor does an import of
    thousands. The rows are stale in the meantime, and whatever reads one first
    evaluates it (``results.ensure_current``), so nothing shows a stale result as current.

    Apps above readiness call this where they write without saving a model (a
    queryset ``update``); a registered model's save or delete calls it for them.
    ``new``: the services were added in this transaction, so have no row to mark.
    """
    ids = {pk for pk in service_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    waiting = _waiting_on(connection)
    unmarked = ids - waiting.marked
    if unmarked and not new:
        # The generation rises even on a row already stale: an evaluation loaded before
        # this change must not be stored over it (see ``result_store``).
        ReadinessResult.objects.filter(service_id__in=unmarked).update(
            stale=True, generation=F("generation") + 1
        )
    if connection.in_atomic_block:
        waiting.marked |= unmarked
    waiting.ids |= ids
    transaction.on_commit(functools.partial(_refresh_waiting, waiting))


def _waiting_on(connection) -> _Waiting:
    """The services changed in the connection's transaction so far."""
    waiting = getattr(connection, "_readiness_waiting", None)
    # One refresh per transaction: each change asks for it, and the first to run does
    # it for all. A rolled-back savepoint gives the connection a new on-commit list
    # (its callbacks dropped), so a later change starts afresh.
    if (
        waiting is None
        or waiting.ran
        or not connection.in_atomic_block
        or waiting.queue is not connection.run_on_commit
    ):
        waiting = _Waiting(connection.run_on_commit)
        setattr(connection, "_readiness_waiting", waiting)  # noqa: B010
    return waiting


def _refresh_waiting(waiting: _Waiting) -> None:
    if waiting.ran:
        return
    waiting.ran = True
    try:
        from .tasks import refresh_queued, refresh_results

        # Changes committed together share one refresh, which loads their services
        # together: one still waiting evaluates every result stale or missing when it
        # starts, these included.
        if refresh_queued():
            return
        refresh_results.enqueue(sorted(waiting.ids))
    except Exception:  # the change is committed; the stale rows are evaluated when next read
        log.exception("readiness results not queued", extra={"services": len(waiting.ids)})


def forget_marks() -> None:
    """An evaluation is loading inside this transaction: a change after it must mark its
    services again, so that what was loaded is not stored as current."""
    waiting = getattr(transaction.get_connection(), "_readiness_waiting", None)
    if waiting is not None:
        waiting.marked.clear()
