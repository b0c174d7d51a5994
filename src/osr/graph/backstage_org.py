"""The organisation of a Backstage catalogue in OSR: Users become people, Groups
delivery groups or teams by their ``spec.type`` (``OSR_BACKSTAGE_*_GROUP_TYPES``),
and ``memberOf`` (or a group's ``spec.members``) their members. An import adds
members and never removes one."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from osr.catalogue.forms import DeliveryGroupForm, PersonForm, TeamForm
from osr.catalogue.models import Person, Team

from .backstage_parse import Entity, Ref
from .backstage_plan import CONTAINER, DELIVERY_GROUP, TEAM, Plan, namespaced
from .importing import Writer


def _profile(entity: Entity, name: str) -> str:
    profile = entity.spec.get("profile")
    value = profile.get(name) if isinstance(profile, dict) else None
    return value.strip() if isinstance(value, str) else ""


def delivery_group_of(plan: Plan, entity: Entity, seen: frozenset[Ref] = frozenset()) -> str | None:
    """The delivery group a team, person or service belongs to: by annotation, then by
    parent (a group), membership (a person), owner, system or domain (the rest)."""
    if entity.annotation("delivery-group"):
        return entity.annotation("delivery-group")
    if entity.ref in seen:
        return None
    seen = seen | {entity.ref}
    if entity.kind == "Group":
        refs = [plan.parents[entity.ref]] if entity.ref in plan.parents else []
    elif entity.kind == "User":
        refs = [ref for _text, ref, _line in entity.refs("memberOf", "group") if ref]
    else:
        refs = [ref for _text, ref, _line in entity.refs("owner", "group") if ref]
        field = {"Component": "system", "Resource": "system", "API": "system", "System": "domain"}
        if entity.kind in field:
            refs += [
                ref
                for _text, ref, _line in entity.refs(field[entity.kind], field[entity.kind])
                if ref
            ]
    for ref in refs:
        target = plan.resolve(ref)
        found = None
        if target is None:
            continue
        if target.what == "group":
            return target.slug
        if target.entity is not None:
            found = delivery_group_of(plan, target.entity, seen)
        elif target.what == "team":
            found = plan.teams[target.slug].delivery_group.slug
        elif target.what == "service" and target.slug in plan.services:
            found = plan.services[target.slug].delivery_group.slug
        if found:
            return found
    return None


class Organisation:
    """Writes the people, delivery groups and teams of an import, in that order."""

    def __init__(self, plan: Plan, writer: Writer):
        self.plan, self.writer = plan, writer
        self.people: dict[Ref, Person] = {}
        self.members: dict[Ref, set[Ref]] = defaultdict(set)  # group → its users
        self.unwritten: set[str] = set()  # delivery groups and teams that failed
        self.names_used: set[str] = set()
        self.by_email = {}
        for person in reversed(list(plan.people.values())):  # the first of a shared address
            if person.email:
                self.by_email[person.email.lower()] = person

    def write(self) -> None:
        for user in self.plan.of_kind("User"):
            self.person(user)
            for _text, ref, _line in user.refs("memberOf", "group"):
                if ref is not None:
                    self.members[ref].add(user.ref)
        self.writer.flush()  # people get their keys, which groups name their members by
        for group in self.plan.of_kind("Group"):
            for _text, ref, _line in group.refs("members", "user"):
                if ref is not None:
                    self.members[group.ref].add(ref)
        for group in self.plan.of_kind("Group"):
            if self.plan.group_role(group) == DELIVERY_GROUP:
                self.delivery_group(group)
        self.writer.flush()
        for group in self.plan.of_kind("Group"):
            if self.plan.group_role(group) == TEAM:
                self.team(group)
        self.writer.flush()
        for group in self.plan.of_kind("Group"):
            if self.plan.group_role(group) == CONTAINER:
                self.writer.note("unchanged", "container group", namespaced(group))

    def person(self, entity: Entity) -> None:
        plan, email = self.plan, _profile(entity, "email")
        pk = plan.names.remembered_pk(entity.ref, Person)
        existing = plan.people.get(pk) if pk is not None else None
        if existing is None and email:
            found = self.by_email.get(email.lower())
            if found is not None and not plan.names.claimed_by_other(entity.ref, Person, found.pk):
                existing = found
        values = {"name": _profile(entity, "displayName") or entity.title, "email": email}
        saved = self.writer.upsert(
            PersonForm,
            existing,
            values,
            kind="person",
            key=namespaced(entity),
            where=entity.where,
            line=entity.line,
        )
        if saved is not None:
            self.people[entity.ref] = saved  # type: ignore[assignment]
            plan.names.remember(entity.ref, saved)

    def member_pks(self, group: Entity, existing: Any) -> list[int] | None:
        """Members now and those the import adds, or None when it adds nobody."""
        before = {p.pk for p in existing.members.all()} if existing is not None else set()
        added = {
            self.people[ref].pk for ref in self.members.get(group.ref, ()) if ref in self.people
        }
        return sorted(before | added) if added - before else None

    def unique_name(self, entity: Entity, title: str, existing: Any, taken: dict[str, Any]) -> str:
        """A delivery group's name is unique: one of another namespace is told apart."""
        other = taken.get(title)
        if title in self.names_used or (other is not None and other != existing):
            title = f"{title} ({namespaced(entity)})"
        self.names_used.add(title)
        return title

    def delivery_group(self, entity: Entity) -> None:
        plan = self.plan
        slug, existing = plan.group_slugs[entity.ref]
        by_name = {g.name: g for g in plan.delivery_groups.values()}
        title = _profile(entity, "displayName") or entity.title
        values: dict[str, Any] = {
            "name": self.unique_name(entity, title, existing, by_name),
            "slug": slug,
            "description": entity.metadata.get("description") or "",
        }
        members = self.member_pks(entity, existing)
        if members is not None:
            values["members"] = members
        saved = self.writer.upsert(
            DeliveryGroupForm,
            existing,
            values,
            kind="delivery group",
            key=slug,
            where=entity.where,
            line=entity.line,
        )
        if saved is None:
            self.unwritten.add(slug)
        else:
            plan.names.remember(entity.ref, saved)

    def team(self, entity: Entity) -> None:
        plan = self.plan
        slug, existing = plan.team_slugs[entity.ref]
        group = delivery_group_of(plan, entity) or (
            existing.delivery_group.slug if isinstance(existing, Team) else None
        )
        values: dict[str, Any] = {
            "name": _profile(entity, "displayName") or entity.title,
            "slug": slug,
        }
        excused = {"delivery_group"} if group in self.unwritten else set()
        if group is None:
            self.writer.problem(
                entity.where,
                f"cannot tell which delivery group team {entity.name} is in",
                line=entity.line,
            )
            excused.add("delivery_group")
        else:
            values["delivery_group"] = group
        if _profile(entity, "email"):
            values["contact_email"] = _profile(entity, "email")
        members = self.member_pks(entity, existing)
        if members is not None:
            values["members"] = members
        saved = self.writer.upsert(
            TeamForm,
            existing,
            values,
            kind="team",
            key=slug,
            where=entity.where,
            excused=excused,
            line=entity.line,
        )
        if saved is None:
            self.unwritten.add(slug)
        else:
            plan.names.remember(entity.ref, saved)
