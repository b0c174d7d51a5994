"""What changes between two versions of the policy, and which services newly fall short.

The comparison of the two policies is plain data; the services falling short
are found by evaluating every service under both, in the portfolio's fixed
number of queries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from osr.catalogue.models import Service

from .checks import registered_checks
from .engine import evaluate
from .loading import load
from .policy import Policy, Requirement


@dataclass(frozen=True)
class Change:
    """One requirement or gate added, removed or changed, and how."""

    kind: str  # "added", "removed" or "changed"
    what: str  # "requirement" or "gate"
    id: str
    title: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShortService:
    """A service that meets the old policy's next gate but not the new one's, and why."""

    name: str
    slug: str
    group: str
    newly_blocking: tuple[str, ...]  # requirement IDs


@dataclass
class PolicyDiff:
    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)
    short_by_group: dict[str, list[ShortService]] = field(default_factory=dict)

    @property
    def short_count(self) -> int:
        return sum(len(services) for services in self.short_by_group.values())


_COMPARED = ("title", "gate", "verified_by", "check", "valid_for_months", "effective_from")


def _describe(name: str, old, new) -> str:
    def shown(value) -> str:
        if value is None or value == "":
            return "none"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    return f"{name.replace('_', ' ')}: {shown(old)} → {shown(new)}"


def requirement_details(old: Requirement, new: Requirement) -> tuple[str, ...]:
    """How a requirement changed, one line a field."""
    details = [
        _describe(name, getattr(old, name), getattr(new, name))
        for name in _COMPARED
        if getattr(old, name) != getattr(new, name)
    ]
    for name, value in dataclasses.asdict(new.applies).items():
        before = getattr(old.applies, name)
        if before != value:
            details.append(_describe(f"applies {name}", before, value))
    for name, value in dataclasses.asdict(new.evidence).items():
        before = getattr(old.evidence, name)
        if before != value:
            details.append(_describe(f"evidence {name}", before, value))
    if old.guidance != new.guidance:
        details.append("guidance reworded")
    return tuple(details)


def compare(old: Policy, new: Policy) -> list[Change]:
    """Every gate and requirement added, removed or changed, in the new policy's order."""
    changes: list[Change] = []
    old_gates, new_gates = {g.id: g for g in old.gates}, {g.id: g for g in new.gates}
    for gate in new.gates:
        before = old_gates.get(gate.id)
        if before is None:
            changes.append(Change("added", "gate", gate.id, gate.title))
        elif before != gate:
            details = tuple(
                _describe(name, getattr(before, name), getattr(gate, name))
                for name in ("title", "before", "trigger", "due_within_days")
                if getattr(before, name) != getattr(gate, name)
            )
            changes.append(Change("changed", "gate", gate.id, gate.title, details))
    changes += [
        Change("removed", "gate", g.id, g.title) for g in old.gates if g.id not in new_gates
    ]
    for requirement in new.requirements:
        previous = old.requirement(requirement.id)
        if previous is None:
            changes.append(Change("added", "requirement", requirement.id, requirement.title))
        elif previous != requirement:
            details = requirement_details(previous, requirement)
            changes.append(
                Change("changed", "requirement", requirement.id, requirement.title, details)
            )
    changes += [
        Change("removed", "requirement", r.id, r.title)
        for r in old.requirements
        if new.requirement(r.id) is None
    ]
    return changes


def policy_diff(
    old: Policy, new: Policy, *, services: QuerySet[Service] | None = None, today: dt.date
) -> PolicyDiff:
    """What changed, and the services that meet their next gate under ``old`` but not ``new``.

    A requirement not yet in force under the new policy blocks nothing, so it
    makes no service fall short until its date.
    """
    services = services if services is not None else Service.objects.order_by("name", "id")
    diff = PolicyDiff(old.version, new.version, compare(old, new))
    checks = registered_checks()
    for item in load(services):
        args = (item.facts, item.evidence, item.waivers, today)
        before = {b.requirement_id for b in evaluate(old, *args, checks=checks).blockers}
        after = [b.requirement_id for b in evaluate(new, *args, checks=checks).blockers]
        newly = tuple(r for r in after if r not in before)
        if newly:
            diff.short_by_group.setdefault(item.group_name, []).append(
                ShortService(item.facts.name, item.facts.slug, item.group_name, newly)
            )
    diff.short_by_group = dict(sorted(diff.short_by_group.items()))
    return diff
