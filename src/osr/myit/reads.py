"""How a sync reads what MyIT holds for a batch of services, and finds the record
it already holds for each wanted one.

A batch is read in a few paged queries per kind of record (``IN`` lists kept
short enough for a URL). A record is found by its stored sys_id, then by its
correlation id (or name, for groups, or parent-child-type, for relationships).

A group is looked for by name only until its sys_id is known; a support or
change group belongs to the service that first stored it, so another service
whose group has the same name gets a group of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .client import MyitClient, MyitError, escape, query_prefix
from .mapping import Mapping
from .plan import MyitServiceFacts, Wanted, plain, relationship_key, wanted_records
from .retire import gone_components

# sys_ids of groups -> the slug of the service whose support or change group each is.
GroupOwners = Callable[[set[str]], dict[str, str]]
_QUERY_BUDGET = 3000  # characters of values per query, well inside URL limits


class ReadsFromMyit:
    """The reading half of a ``Sync``: what MyIT holds, and which of it is whose."""

    client: MyitClient
    mapping: Mapping
    records: dict[str, dict[str, Any]]
    matches: dict[tuple[str, str, str], str]
    named: dict[tuple[str, str], list[str]]
    owners: dict[str, str]
    _owners_of: GroupOwners
    _owners_asked: set[str]
    relationships: dict[tuple[str, str, str], str]
    members: Counter[str]
    users: dict[str, str]
    service_ids: dict[str, str]
    depends_on_type: str
    not_taken: set[tuple[str, str, str, str]]

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
        # Asked for as OSR holds them and in lower case: MyIT may store either.
        emails = {
            asked
            for _, f, _ in batch
            for e in (f.data_owner_email, f.service_owner_email)
            if e and e.lower() not in self.users
            for asked in (e, e.lower())
        }
        self.not_taken |= {(f.slug, *entry) for _, f, _ in batch for entry in f.not_taken}
        fields = ["sys_id", m.user_email_field]
        for user in self._find(m.table("user"), m.user_email_field, emails, fields):
            self.users[str(user.get(m.user_email_field, "")).lower()] = user["sys_id"]
        self.users.update({e.lower(): "" for e in emails if e.lower() not in self.users})
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
        """Records whose field has one of the values, in as few queries as fit in a URL.

        A value holding ``^`` cannot be put in a query: it is asked for by what
        precedes the caret, and the answer compared with the whole value here.
        """
        wanted = {v for v in values if v}
        for chunk in _chunks(sorted(v for v in wanted if "^" not in v)):
            if any("," in v for v in chunk):
                query = "^OR".join(f"{field}={escape(v)}" for v in chunk)
            else:
                query = f"{field}IN{','.join(escape(v) for v in chunk)}"
            yield from self.client.list(table, query=query, fields=fields)
        for prefix in sorted({query_prefix(v) for v in wanted if "^" in v}):
            query = f"{field}STARTSWITH{prefix}" if prefix else f"{field}LIKE^"
            for record in self.client.list(table, query=query, fields=fields):
                if plain(record.get(field)) in wanted:
                    yield record

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
