"""Pushing services to MyIT, and reading back what it holds.

A run reads what MyIT holds for a batch of services in a few paged queries,
compares it with what it should hold (``plan.wanted_records``) and writes only
the differences: a record is found by its stored sys_id, then by its
correlation id (or name, for groups, or parent-child-type, for
relationships), and only then created, so a rerun after any failure creates
no duplicates. What OSR made for a part the service no longer has is retired
(``retire.py``). A dry run makes the same comparison and writes nothing.

A group is looked for by name only until its sys_id is known; a support or
change group belongs to the service that first stored it, so another service
whose group has the same name gets a group of its own.

This module talks to MyIT only through ``MyitClient``; what it did is
reported per service to ``report(service, outcome)`` for the caller to keep.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .client import MyitClient, MyitError, escape
from .held import held_by_myit, relate_held
from .mapping import Mapping
from .plan import (
    MyitServiceFacts,
    Ref,
    SyncOutcome,
    Wanted,
    changed_fields,
    plain,
    relationship_key,
    wanted_records,
)
from .retire import gone_components, retire_removed

Report = Callable[[Any, SyncOutcome], None]
# sys_ids of groups -> the slug of the service whose support or change group each is.
GroupOwners = Callable[[set[str]], dict[str, str]]
_QUERY_BUDGET = 3000  # characters of values per query, well inside URL limits


class Sync:
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
        self._deferred: list[tuple[Any, MyitServiceFacts, Wanted, SyncOutcome]] = []

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
                stopped = str(error)
                for service, _, _ in batch:
                    report(service, SyncOutcome(error=f"Could not read MyIT: {error}"))
                continue
            for (service, facts, stored), wanted in zip(batch, plans, strict=True):
                outcome = self._apply(service, facts, stored, wanted)
                done += 1
                self.progress(f"[{done}/{total}] {facts.slug}: {outcome.summary(self.dry_run)}")
                report(service, outcome)
                if outcome.error:
                    stopped = f"{facts.slug}: {outcome.error}"
        self._finish_deferred(report, stopped)
        return not stopped

    # -- Reading what MyIT holds ---------------------------------------------------

    def _read(
        self, batch: list[tuple[Any, MyitServiceFacts, dict[str, str]]]
    ) -> list[list[Wanted]]:
        m = self.mapping
        if not self.depends_on_type:
            found = list(
                self.client.list(
                    m.table("relationship_type"),
                    query=f"name={escape(m.depends_on)}",
                    fields=["sys_id", "name"],
                )
            )
            if not found:
                raise MyitError(f"relationship type {m.depends_on!r} is not in MyIT")
            self.depends_on_type = found[0]["sys_id"]
        emails = {
            e.lower()
            for _, f, _ in batch
            for e in (f.data_owner_email, f.service_owner_email)
            if e and e.lower() not in self.users
        }
        fields = ["sys_id", m.user_email_field]
        for user in self._find(m.table("user"), m.user_email_field, emails, fields):
            self.users[str(user.get(m.user_email_field, "")).lower()] = user["sys_id"]
        self.users.update({e: "" for e in emails if e not in self.users})
        known_users = {e: i for e, i in self.users.items() if i}

        plans = [
            wanted_records(f, m, users=known_users, depends_on_type=self.depends_on_type)
            for _, f, _ in batch
        ]
        for kind in ("group", "service", "offering", "component"):
            wanted = [
                (w, stored.get(w.key, ""))
                for (_, _, stored), plan in zip(batch, plans, strict=True)
                for w in plan
                if w.kind == kind
            ]
            if kind == "service":
                wanted += self._dependency_targets(batch)
            if kind == "component":
                wanted += gone_components(batch, plans, m)
            self._fetch(kind, wanted)
            if kind == "group":
                unasked = {i for found in self.named.values() for i in found} - self._owners_asked
                if unasked:
                    self.owners = self._owners_of(unasked) | self.owners  # this run's claims stand
                    self._owners_asked |= unasked
        for _, facts, stored in batch:
            for slug, stored_id in [(facts.slug, stored.get("service", ""))] + [
                (target, stored.get(f"target:{target}", "")) for target in facts.depends_on
            ]:
                sys_id = stored_id if stored_id in self.records else ""
                sys_id = sys_id or self.matches.get(
                    (m.table("service"), m.correlation_field, m.correlation_id(slug)), ""
                )
                if sys_id:
                    self.service_ids[slug] = sys_id

        rf = m.relationship_fields
        parents = {
            self._existing(w, stored)
            for (_, _, stored), plan in zip(batch, plans, strict=True)
            for w in plan
            if w.kind in ("service", "offering")
        } - {""}
        fields = ["sys_id", rf["parent"], rf["child"], rf["type"]]
        for rel in self._find(m.table("relationship"), rf["parent"], parents, fields):
            self.relationships[relationship_key({k: plain(rel.get(k)) for k in rf.values()}, m)] = (
                rel["sys_id"]
            )
        groups = {
            self._existing(w, stored, facts.slug)
            for (_, facts, stored), plan in zip(batch, plans, strict=True)
            for w in plan
            if w.kind == "group" and w.role != "change"
        } - {""}
        group_field = m.member_group_field
        for member in self._find(m.table("group_member"), group_field, groups, [group_field]):
            self.members[plain(member.get(group_field))] += 1
        return plans

    def _dependency_targets(self, batch) -> list[tuple[Wanted, str]]:
        """Business services of other services this batch depends on, to relate to."""
        m = self.mapping
        targets: list[tuple[Wanted, str]] = []
        for _, facts, stored in batch:
            for slug in facts.depends_on:
                corr = m.correlation_id(slug)
                stand_in = Wanted(
                    "service", "service", m.table("service"), {}, m.correlation_field, corr
                )
                targets.append((stand_in, stored.get(f"target:{slug}", "")))
        return targets

    def _fetch(self, kind: str, wanted: list[tuple[Wanted, str]]) -> None:
        """Load the records of one kind: by stored sys_id first, then by match field."""
        if not wanted:
            return
        table = wanted[0][0].table
        names = {"sys_id", wanted[0][0].match_field} | {
            name for w, _ in wanted for name in w.fields
        }
        fields = sorted(names)
        by_id = {s for _, s in wanted if s and s not in self.records}
        by_name = wanted[0][0].kind == "group"
        for record in self._find(table, "sys_id", by_id, fields):
            self._remember(table, record, by_name)
        match_field = wanted[0][0].match_field
        unmatched = {
            w.match_value
            for w, stored in wanted
            if stored not in self.records
            and (table, match_field, w.match_value) not in self.matches
        }
        for record in self._find(table, match_field, unmatched, fields):
            self._remember(table, record, by_name)

    def _find(self, table: str, field: str, values: Iterable[str], fields: list[str]):
        """Records whose field has one of the values, in as few queries as fit in a URL."""
        for chunk in _chunks(sorted({v for v in values if v})):
            if any("," in v for v in chunk):
                query = "^OR".join(f"{field}={escape(v)}" for v in chunk)
            else:
                query = f"{field}IN{','.join(escape(v) for v in chunk)}"
            yield from self.client.list(table, query=query, fields=fields)

    def _remember(self, table: str, record: dict[str, Any], by_name: bool) -> None:
        sys_id = record["sys_id"]
        self.records[sys_id] = record
        if by_name:  # groups: every group of a name, in MyIT's sys_id order
            name = plain(record.get(self.mapping.group_fields["name"]))
            found = self.named.setdefault((table, name), [])
            if sys_id not in found:
                found.append(sys_id)
            return
        value = plain(record.get(self.mapping.correlation_field))
        if value:
            self.matches.setdefault((table, self.mapping.correlation_field, value), sys_id)

    def _existing(self, w: Wanted, stored: dict[str, str] | str, slug: str = "") -> str:
        """The sys_id of the record MyIT already holds for a wanted record, or ""."""
        sys_id = stored.get(w.key, "") if isinstance(stored, dict) else stored
        if w.kind == "group":
            return self._group(w, sys_id, slug)
        if sys_id and sys_id in self.records:
            return sys_id
        return self.matches.get((w.table, w.match_field, w.match_value), "")

    def _group(self, w: Wanted, stored_id: str, slug: str) -> str:
        """The group remembered for a wanted group, else the first of its name free to take.

        A queue is shared, so any group of its name will do; a support or change
        group owned by another service is never taken, even if it has the name.
        """

        def free(sys_id: str) -> bool:
            return w.role == "queue" or self.owners.get(sys_id, slug) == slug

        if stored_id in self.records and free(stored_id):
            return stored_id
        return next((i for i in self.named.get((w.table, w.match_value), []) if free(i)), "")

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
                outcome.error = str(error)
                outcome.not_written = [
                    {"key": later.key, "reason": "The sync stopped before writing it"}
                    for later in plan[position:]
                ]
                break
        if not outcome.error:
            retire_removed(self, stored, plan, set(resolved.values()), outcome)
        outcome.held = held_by_myit(self, facts, plan, resolved)
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
            changes = changed_fields(self.records.get(sys_id, {}), fields) if w.keep_in_step else {}
            if w.kind == "relationship" or not changes:
                return sys_id
            outcome.differences.append(
                {"action": "update", "table": w.table, "key": w.key, "sys_id": sys_id}
                | {"changes": changes}
            )
            if not self.dry_run:
                patch = {name: new for name, (_, new) in changes.items()}
                self.records[sys_id] = self.client.patch(w.table, sys_id, patch)
                outcome.written.append(w.key)
            return sys_id
        outcome.differences.append(
            {"action": "create", "table": w.table, "key": w.key, "fields": fields}
        )
        if self.dry_run:
            sys_id = f"(new {w.key})"
            self.records[sys_id] = {"sys_id": sys_id} | fields
        else:
            created = self.client.create(w.table, fields)
            sys_id = created["sys_id"]
            self.records[sys_id] = created
            outcome.written.append(w.key)
            outcome.records[w.key] = (w.table, sys_id)
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
                relate_held(outcome.held, target)
            except MyitError as error:
                outcome.error = str(error)
                outcome.not_written.append({"key": w.key, "reason": str(error)})
        for service, _, outcome in touched.values():
            report(service, outcome)


def _chunks(values: list[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for value in values:
        if chunk and size + len(value) + 1 > _QUERY_BUDGET:
            yield chunk
            chunk, size = [], 0
        chunk.append(value)
        size += len(value) + 1
    if chunk:
        yield chunk
