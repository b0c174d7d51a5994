"""How a sync's creates and updates reach MyIT, and whether they took.

A service's writes are queued and sent together in one Batch API call where
the instance offers it (one request a record otherwise). Each answer is
compared with what was sent (``confirm.py``): a field that did not take is
reported, and left alone at later runs until OSR's value changes.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from .client import MyitError
from .confirm import confirm, explain, untaken
from .plan import SyncOutcome, Wanted, plain

if TYPE_CHECKING:
    from .client import MyitClient


class WritesToMyit:
    """The writing half of a ``Sync``: what it queued, sent and learnt from the answers."""

    client: MyitClient
    records: dict[str, dict[str, Any]]
    matches: dict[tuple[str, str, str], str]
    relationships: dict[tuple[str, str, str], str]
    named: dict[tuple[str, str], list[str]]
    not_taken: set[tuple[str, str, str, str]]
    _pending: list[tuple[str, Wanted, str, dict[str, str]]]

    def _send(self, method: str, w: Wanted, sys_id: str, sent: dict[str, str], outcome) -> str:
        """Create or patch a record now, or queue it for the service's batch; its sys_id.

        A record created in a batch is given its sys_id here (ServiceNow keeps
        a sys_id given on insert), so the records that refer to it can go in
        the same batch.
        """
        if self.client.batch_api:
            sys_id = sys_id or uuid.uuid4().hex
            body = sent | {"sys_id": sys_id} if method == "POST" else sent
            self._pending.append((method, w, sys_id, body))
            self.records[sys_id] = self.records.get(sys_id, {}) | {"sys_id": sys_id} | sent
            return sys_id
        if method == "POST":
            answer = self.client.create(w.table, sent)
        else:
            answer = self.client.patch(w.table, sys_id, sent)
        self._took(method, w, sent, answer, outcome)
        return str(answer["sys_id"])

    def _took(self, method: str, w: Wanted, sent: dict[str, str], answer, outcome) -> None:
        sys_id = str(answer["sys_id"])
        self.records[sys_id] = answer
        outcome.written.append(w.key)
        if method == "POST":
            outcome.records[w.key] = (w.table, sys_id)
        confirm(w, {k: v for k, v in sent.items() if k != "sys_id"}, answer, outcome)

    def _flush(self, outcome: SyncOutcome) -> None:
        """Send the service's queued writes together, and take in each one's answer."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        answers = self.client.batch([(m, w.table, i, body) for m, w, i, body in pending])
        for (method, w, sys_id, body), answer in zip(pending, answers, strict=True):
            if isinstance(answer, MyitError):
                reason = explain(answer)
                if not outcome.error:
                    outcome.error, outcome.stops_run = reason, answer.stops_run
                outcome.not_written.append({"key": w.key, "reason": reason})
                if method == "POST":
                    self._forget(sys_id)
            else:
                self._took(method, w, body, answer, outcome)

    def _forget(self, sys_id: str) -> None:
        """A record whose create was refused is not there to find or refer to."""
        self.records.pop(sys_id, None)
        self.matches = {k: v for k, v in self.matches.items() if v != sys_id}
        self.relationships = {k: v for k, v in self.relationships.items() if v != sys_id}
        for found in self.named.values():
            if sys_id in found:
                found.remove(sys_id)

    def _leave_untaken(
        self, w: Wanted, fields: dict[str, str], held: dict[str, Any], outcome, slug: str
    ) -> dict[str, str]:
        """The fields to keep in step, less those MyIT did not take last time.

        A field MyIT lacks, or one an ACL keeps OSR from writing or reading,
        would otherwise be patched on every run. It is tried again when OSR's
        value changes, and forgotten once MyIT holds the value.
        """
        kept: dict[str, str] = {}
        for name, value in fields.items():
            if (slug, w.key, name, value) not in self.not_taken:
                kept[name] = value
            elif plain(held.get(name)) != value:
                outcome.not_taken.append(untaken(w, name, value))
        return kept
