"""Django's PostgreSQL backend, checking a kept connection without a round trip.

A worker keeps its connection between requests and checks it before the first
query of each (``CONN_HEALTH_CHECKS``), so that a connection the server has
closed is replaced rather than failing the request. Django checks by running
``SELECT 1``: a round trip to the server, and a statement for it to run, on
every request. Between requests an idle connection has nothing to read: the
server writes to it only to say goodbye (the error it sends as it terminates the
session on a restart, a fail-over, an idle limit or an administrator's word)
and to close it. So a connection is usable while nothing is waiting on its
socket, which the kernel answers at once. Anything waiting, even an unrelated
notice, replaces the connection: the safe way to be wrong.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

_READ_OR_CLOSED = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            # In a transaction (or mid-statement) the server may rightly be speaking.
            return super().is_usable()
        poller = select.poll()
        try:
            poller.register(connection.fileno(), _READ_OR_CLOSED)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
