"""Pushing services to MyIT, and reading back what it holds.

A run reads what MyIT holds for a batch of services in a few paged queries,
compares it with what it should hold (``plan.wanted_records``) and writes only
the differences: a record is found by its stored sys_id, then by its
correlation id (or name, for groups, or parent-child-type, for
relationships), and only then created, so a rerun after any failure creates
no duplicates. What OSR made for a part the service no longer has is retired
(``retire.py``). A dry run makes the same comparison and writes nothing.

Reading and matching are ``reads.py`` (which also says how groups are shared);
sending the writes and checking they took is ``writes.py``.

This module talks to MyIT only through ``MyitClient``; what it did is
reported per service to ``report(service, outcome)`` for the caller to keep.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from .client import MyitClient, MyitError
from .confirm import explain
from .held import held_by_myit, relate_held
from .mapping import Mapping
from .plan import (
    MyitServiceFacts,
    Ref,
    SyncOutcome,
    Wanted,
    changed_fields,
    relationship_key,
)
from .reads import GroupOwners, ReadsFromMyit
from .retire import retire_removed
from .writes import WritesToMyit

Report = Callable[[Any, SyncOutcome], None]


class Sync(ReadsFromMyit, WritesToMyit):
    """One sync (or dry run) of some services, sharing what it learns between them."""

    def __init__(
        self,
        client: MyitClient,
        mapping: Mapping,
        *,
        dry_run: bool = False,
        progress: Callable[[str], None] | None = None,
        group_owners: GroupOwners | None = None,
    ):
        self.client = client
        self.mapping = mapping
        self.dry_run = dry_run
        self.progress = progress or (lambda line: None)
        self.records: dict[str, dict[str, Any]] = {}  # sys_id -> record as MyIT holds it
        self.matches: dict[tuple[str, str, str], str] = {}  # (table, field, value) -> sys_id
        self.named: dict[tuple[str, str], list[str]] = {}  # (table, group name) -> sys_ids
        self.owners: dict[str, str] = {}  # group sys_id -> the slug of the service owning it
        self._owners_of = group_owners or (lambda sys_ids: {})
        self._owners_asked: set[str] = set()  # groups whose owner OSR has looked up
        self.relationships: dict[tuple[str, str, str], str] = {}  # (parent, child, type) -> id
        self.members: Counter[str] = Counter()  # group sys_id -> members
        self.users: dict[str, str] = {}  # email -> sys_id, "" when MyIT has no such user
        self.service_ids: dict[str, str] = {}  # slug -> business service sys_id
        self.depends_on_type = ""
        # (slug, key, field, value) written before without taking: not written again.
        self.not_taken: set[tuple[str, str, str, str]] = set()
        self._deferred: list[tuple[Any, MyitServiceFacts, Wanted, SyncOutcome]] = []
        # Writes of the service being synced, sent together: (method, wanted, sys_id, body).
        self._pending: list[tuple[str, Wanted, str, dict[str, str]]] = []

    def run(
        self,
        batches: Iterable[list[tuple[Any, MyitServiceFacts, dict[str, str]]]],
        total: int,
        report: Report,
    ) -> bool:
        """Sync batches of (service, facts, stored sys_ids by key); False if it stopped early."""
        done, stopped = 0, ""
        for batch in batches:
            if stopped:
                for service, _, _ in batch:
                    report(service, SyncOutcome(error=f"Not synced: the run stopped ({stopped})"))
                continue
            try:
                plans = self._read(batch)
            except MyitError as error:
                stopped = str(error) if error.stops_run else ""
                for service, _, _ in batch:
                    report(service, SyncOutcome(error=f"Could not read MyIT: {error}"))
                continue
            for (service, facts, stored), wanted in zip(batch, plans, strict=True):
                outcome = self._apply(service, facts, stored, wanted)
                done += 1
                self.progress(f"[{done}/{total}] {facts.slug}: {outcome.summary(self.dry_run)}")
                report(service, outcome)
                if outcome.error and outcome.stops_run:
                    stopped = f"{facts.slug}: {outcome.error}"
        self._finish_deferred(report, stopped)
        return not stopped

    # -- Writing the differences ---------------------------------------------------

    def _apply(
        self, service: Any, facts: MyitServiceFacts, stored: dict[str, str], plan: list[Wanted]
    ) -> SyncOutcome:
        outcome = SyncOutcome()
        resolved: dict[str, str] = {}
        for position, w in enumerate(plan):
            try:
                fields = self._resolve(w, resolved)
                if fields is None:
                    self._deferred.append((service, facts, w, outcome))
                    continue
                resolved[w.key] = self._write(w, fields, stored, outcome, facts.slug)
                if w.key == "service":
                    self.service_ids[facts.slug] = resolved[w.key]
            except MyitError as error:
                outcome.error = explain(error)
                outcome.stops_run = error.stops_run
                outcome.not_written = [
                    {"key": later.key, "reason": "The sync stopped before writing it"}
                    for later in plan[position:]
                ]
                break
        try:
            self._flush(outcome)
        except MyitError as error:
            outcome.error, outcome.stops_run = explain(error), error.stops_run
            outcome.not_written.append({"key": "(batch)", "reason": outcome.error})
        if not outcome.error:
            retire_removed(self, stored, plan, set(resolved.values()), outcome)
        outcome.held = held_by_myit(self, facts, plan, resolved)
        outcome.held["not_taken"] = outcome.not_taken
        return outcome

    def _resolve(self, w: Wanted, resolved: dict[str, str]) -> dict[str, str] | None:
        fields: dict[str, str] = {}
        for name, value in w.fields.items():
            if isinstance(value, Ref):
                target = self.service_ids.get(value.slug) if value.slug else resolved[value.key]
                if not target:
                    return None
                fields[name] = target
            else:
                fields[name] = value
        return fields

    def _write(
        self, w: Wanted, fields: dict[str, str], stored: dict[str, str], outcome, slug: str
    ) -> str:
        """Create or patch one record as needed; return its sys_id."""
        if w.kind == "relationship":
            sys_id = self.relationships.get(relationship_key(fields, self.mapping), "")
        else:
            sys_id = self._existing(w, stored, slug)
        if sys_id:
            self._claim(w, sys_id, slug)
            if stored.get(w.key) != sys_id:
                outcome.records[w.key] = (w.table, sys_id)
            held = self.records.get(sys_id, {})
            fields = self._leave_untaken(w, fields, held, outcome, slug)
            changes = changed_fields(held, fields) if w.keep_in_step else {}
            if w.kind == "relationship" or not changes:
                return sys_id
            outcome.differences.append(
                {"action": "update", "table": w.table, "key": w.key, "sys_id": sys_id}
                | {"changes": changes}
            )
            if not self.dry_run:
                patch = {name: new for name, (_, new) in changes.items()}
                self._send("PATCH", w, sys_id, patch, outcome)
            return sys_id
        outcome.differences.append(
            {"action": "create", "table": w.table, "key": w.key, "fields": fields}
        )
        if self.dry_run:
            sys_id = f"(new {w.key})"
            self.records[sys_id] = {"sys_id": sys_id} | fields
        else:
            sys_id = self._send("POST", w, "", fields, outcome)
        if w.kind == "relationship":
            self.relationships[relationship_key(fields, self.mapping)] = sys_id
        elif w.kind == "group":
            self.named.setdefault((w.table, w.match_value), []).append(sys_id)
            self._claim(w, sys_id, slug)
        else:
            self.matches[(w.table, w.match_field, w.match_value)] = sys_id
        return sys_id

    def _claim(self, w: Wanted, sys_id: str, slug: str) -> None:
        """A support or change group found or made for a service is that service's from now on."""
        if w.kind == "group" and w.role != "queue":
            self.owners.setdefault(sys_id, slug)

    def _finish_deferred(self, report: Report, stopped: str) -> None:
        """Relate services to those they depend on, once both are in MyIT."""
        touched: dict[int, tuple[Any, MyitServiceFacts, SyncOutcome]] = {}
        for service, facts, w, outcome in self._deferred:
            touched[id(outcome)] = (service, facts, outcome)
            if outcome.error:
                continue
            if stopped:
                outcome.not_written.append({"key": w.key, "reason": "The run stopped first"})
                continue
            target = next(r for r in w.refs() if r.slug).slug
            try:
                resolved = {"service": self.service_ids.get(facts.slug, "")}
                fields = self._resolve(w, resolved)
                if fields is None or not resolved["service"]:
                    outcome.not_written.append(
                        {"key": w.key, "reason": f"{target} is not in MyIT yet: sync it too"}
                    )
                    continue
                self._write(w, fields, {}, outcome, facts.slug)
                self._flush(outcome)
                if outcome.error:
                    continue
                relate_held(outcome.held, target)
            except MyitError as error:
                outcome.error = explain(error)
                outcome.stops_run = error.stops_run
                outcome.not_written.append({"key": w.key, "reason": outcome.error})
        for service, _, outcome in touched.values():
            report(service, outcome)
