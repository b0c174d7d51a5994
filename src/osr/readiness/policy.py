"""The readiness policy: requirements and gates as data, read strictly from YAML.

A policy with an unknown key, a repeated ID, an unknown automatic check or
malformed YAML is refused whole, with every problem named by file and line:
OSR never runs on half a policy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from osr.catalogue.choices import PHASE_ORDER

from . import yamlnodes as y

TRIGGERS = {"uses_live_data"}
VERIFIERS = {"osr_manager", "review_board", "automatic"}

_POLICY_KEYS = {"version", "name", "gates", "requirements"}
_GATE_KEYS = {"id", "title", "trigger", "before", "due_within_days"}
_REQUIREMENT_KEYS = {
    "id",
    "title",
    "guidance",
    "gate",
    "applies",
    "evidence",
    "verified_by",
    "check",
    "valid_for_months",
    "effective_from",
}
_APPLIES_KEYS = {"from_phase", "critical", "uses_live_data"}
_EVIDENCE_KEYS = {"asks_for", "dated", "pack"}


@dataclass(frozen=True)
class Gate:
    """A point a service must pass: before a phase, or when a trigger holds."""

    id: str
    title: str
    before: str | None = None  # a phase
    trigger: str | None = None  # "uses_live_data"
    due_within_days: int = 0


@dataclass(frozen=True)
class Applies:
    """When a requirement applies to a service, and from which phase it is shown."""

    from_phase: str = PHASE_ORDER[0]
    critical: bool | None = None
    uses_live_data: bool | None = None


@dataclass(frozen=True)
class EvidenceRule:
    """What evidence a requirement takes."""

    asks_for: str
    dated: bool = False
    pack: bool = False  # the security assurance pack's version and date


@dataclass(frozen=True)
class Requirement:
    """One requirement of the policy, with the ID that is public contract."""

    id: str
    title: str
    guidance: str
    gate: str
    evidence: EvidenceRule
    applies: Applies = field(default_factory=Applies)
    verified_by: str = "osr_manager"
    check: str | None = None
    valid_for_months: int | None = None
    # Before this day the requirement is shown as coming but blocks nothing.
    effective_from: dt.date | None = None

    def in_force(self, today: dt.date) -> bool:
        return self.effective_from is None or today >= self.effective_from


@dataclass(frozen=True)
class Policy:
    """A whole policy: its version, gates and requirements, in the order written."""

    version: str
    name: str
    gates: tuple[Gate, ...]
    requirements: tuple[Requirement, ...]
    source: str = ""
    digest: str = ""

    def requirement(self, requirement_id: str) -> Requirement | None:
        return self._by_id().get(requirement_id)

    def gate(self, gate_id: str) -> Gate | None:
        return next((g for g in self.gates if g.id == gate_id), None)

    def in_gate(self, gate_id: str) -> list[Requirement]:
        return [r for r in self.requirements if r.gate == gate_id]

    def _by_id(self) -> dict[str, Requirement]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {r.id: r for r in self.requirements}
            object.__setattr__(self, "_index", cached)
        return cached


class PolicyError(Exception):
    """A policy refused, with every problem as ``file:line: problem``."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def parse_policy(text: str, *, source: str, known_checks: Iterable[str]) -> Policy:
    """A policy from YAML text, or ``PolicyError`` listing every problem."""
    problems = y.Problems(source)
    documents = y.compose_all(text, problems)
    if not problems and len(documents) != 1:
        problems.add(documents[1] if documents else None, "a policy file holds one YAML document")
    policy = None
    if not problems:
        policy = _policy(documents[0], problems, set(known_checks))
    if problems or policy is None:
        raise PolicyError(problems.lines())
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Policy(policy.version, policy.name, policy.gates, policy.requirements, source, digest)


def load_policy(path: str | Path, *, known_checks: Iterable[str]) -> Policy:
    """Read and check a policy file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError([f"{path}:0: cannot read the policy: {error}"]) from error
    return parse_policy(text, source=str(path), known_checks=known_checks)


def _policy(root, problems: y.Problems, known_checks: set[str]) -> Policy | None:
    entries = y.mapping(root, problems, "the policy")
    if entries is None:
        return None
    y.unknown_keys(entries, _POLICY_KEYS, problems, "the policy")
    for required in ("version", "gates", "requirements"):
        if required not in entries:
            problems.add(root, f"the policy has no '{required}'")
    version = y.text(entries["version"][1], problems, "version") if "version" in entries else ""
    name = y.text(entries["name"][1], problems, "name") if "name" in entries else ""
    gates: list[Gate] = []
    seen_gates: dict[str, int] = {}
    for node in y.sequence(entries["gates"][1], problems, "gates") if "gates" in entries else []:
        gate = _gate(node, problems)
        if gate is None:
            continue
        if gate.id in seen_gates:
            problems.add(
                node, f"gate ID '{gate.id}' is repeated (first on line {seen_gates[gate.id]})"
            )
            continue
        seen_gates[gate.id] = y.line_of(node)
        gates.append(gate)
    requirements: list[Requirement] = []
    seen: dict[str, int] = {}
    nodes = (
        y.sequence(entries["requirements"][1], problems, "requirements")
        if "requirements" in entries
        else []
    )
    for node in nodes:
        requirement = _requirement(node, problems, set(seen_gates), known_checks)
        if requirement is None:
            continue
        if requirement.id in seen:
            problems.add(
                node,
                f"requirement ID '{requirement.id}' is repeated "
                f"(first on line {seen[requirement.id]})",
            )
            continue
        seen[requirement.id] = y.line_of(node)
        requirements.append(requirement)
    if problems:
        return None
    return Policy(version or "", name or "", tuple(gates), tuple(requirements))


def _gate(node, problems: y.Problems) -> Gate | None:
    entries = y.mapping(node, problems, "a gate")
    if entries is None:
        return None
    gate_id = y.text(entries["id"][1], problems, "a gate's id") if "id" in entries else None
    what = f"gate {gate_id}" if gate_id else "a gate"
    y.unknown_keys(entries, _GATE_KEYS, problems, what)
    if gate_id is None:
        problems.add(node, "a gate has no 'id'")
    title = (
        y.text(entries["title"][1], problems, f"the title of {what}")
        if "title" in entries
        else None
    )
    if "title" not in entries:
        problems.add(node, f"{what} has no 'title'")
    before = trigger = None
    if "before" in entries:
        before = _phase(entries["before"][1], problems, f"'before' of {what}")
    if "trigger" in entries:
        trigger = y.text(entries["trigger"][1], problems, f"'trigger' of {what}")
        if trigger is not None and trigger not in TRIGGERS:
            problems.add(entries["trigger"][1], f"unknown trigger '{trigger}' in {what}")
    if ("before" in entries) == ("trigger" in entries):
        problems.add(node, f"{what} needs exactly one of 'before' (a phase) or 'trigger'")
    due = 0
    if "due_within_days" in entries:
        due = (
            y.integer(entries["due_within_days"][1], problems, f"'due_within_days' of {what}") or 0
        )
    if gate_id is None or title is None:
        return None
    return Gate(gate_id, title, before=before, trigger=trigger, due_within_days=due)


def _requirement(node, problems: y.Problems, gate_ids: set[str], known_checks: set[str]):
    entries = y.mapping(node, problems, "a requirement")
    if entries is None:
        return None
    req_id = y.text(entries["id"][1], problems, "a requirement's id") if "id" in entries else None
    what = f"requirement {req_id}" if req_id else "a requirement"
    y.unknown_keys(entries, _REQUIREMENT_KEYS, problems, what)
    values: dict[str, object] = {}
    for key in ("id", "title", "guidance", "gate", "evidence"):
        if key not in entries:
            problems.add(node, f"{what} has no '{key}'")
    for key in ("title", "guidance"):
        if key in entries:
            values[key] = y.text(entries[key][1], problems, f"the {key} of {what}")
    gate = (
        y.text(entries["gate"][1], problems, f"the gate of {what}") if "gate" in entries else None
    )
    if gate is not None and gate not in gate_ids:
        problems.add(entries["gate"][1], f"{what} names unknown gate '{gate}'")
    evidence = _evidence(entries["evidence"][1], problems, what) if "evidence" in entries else None
    applies = _applies(entries["applies"][1], problems, what) if "applies" in entries else Applies()
    verified_by = "osr_manager"
    if "verified_by" in entries:
        verified_by = y.text(entries["verified_by"][1], problems, f"verified_by of {what}") or ""
        if verified_by and verified_by not in VERIFIERS:
            known = ", ".join(sorted(VERIFIERS))
            problems.add(entries["verified_by"][1], f"{what}: verified_by must be one of {known}")
    check = None
    if "check" in entries:
        check = y.text(entries["check"][1], problems, f"the check of {what}")
        if check is not None and check not in known_checks:
            problems.add(
                entries["check"][1],
                f"{what} names unknown automatic check '{check}' "
                f"(known checks: {', '.join(sorted(known_checks))})",
            )
    validity = None
    if "valid_for_months" in entries:
        validity = y.integer(
            entries["valid_for_months"][1], problems, "valid_for_months", minimum=1
        )
    effective_from = None
    if "effective_from" in entries:
        effective_from = y.date(entries["effective_from"][1], problems, f"effective_from of {what}")
    parts = (req_id, values.get("title"), values.get("guidance"), gate, evidence, applies)
    if any(part is None for part in parts):
        return None
    return Requirement(
        id=req_id,  # type: ignore[arg-type]
        title=values["title"],  # type: ignore[arg-type]
        guidance=values["guidance"],  # type: ignore[arg-type]
        gate=gate,  # type: ignore[arg-type]
        evidence=evidence,  # type: ignore[arg-type]
        applies=applies,  # type: ignore[arg-type]
        verified_by=verified_by,
        check=check,
        valid_for_months=validity,
        effective_from=effective_from,
    )


def _phase(node, problems: y.Problems, what: str) -> str | None:
    value = y.text(node, problems, what)
    if value is not None and value not in PHASE_ORDER:
        problems.add(node, f"{what} must be a phase: {', '.join(PHASE_ORDER)}")
        return None
    return value


def _evidence(node, problems: y.Problems, what: str) -> EvidenceRule | None:
    entries = y.mapping(node, problems, f"the evidence of {what}")
    if entries is None:
        return None
    y.unknown_keys(entries, _EVIDENCE_KEYS, problems, f"the evidence of {what}")
    if "asks_for" not in entries:
        problems.add(node, f"the evidence of {what} has no 'asks_for'")
        return None
    asks_for = y.text(entries["asks_for"][1], problems, f"asks_for of {what}")
    flags = {
        key: bool(y.boolean(entries[key][1], problems, f"{key} of {what}"))
        for key in ("dated", "pack")
        if key in entries
    }
    return EvidenceRule(asks_for, **flags) if asks_for else None


def _applies(node, problems: y.Problems, what: str) -> Applies | None:
    entries = y.mapping(node, problems, f"'applies' of {what}")
    if entries is None:
        return None
    y.unknown_keys(entries, _APPLIES_KEYS, problems, f"'applies' of {what}")
    from_phase = PHASE_ORDER[0]
    if "from_phase" in entries:
        from_phase = (
            _phase(entries["from_phase"][1], problems, f"from_phase of {what}") or from_phase
        )
    flags = {
        key: y.boolean(entries[key][1], problems, f"{key} of {what}")
        for key in ("critical", "uses_live_data")
        if key in entries
    }
    return Applies(from_phase=from_phase, **flags)


# The active policy, read once per process: the file is checked at start-up, so a
# change to it takes effect when OSR restarts (every process reads the same file).
_active: dict[str, Policy] = {}


def active_policy() -> Policy:
    """The policy named by ``OSR_POLICY_FILE`` (the Defra policy by default)."""
    path = str(settings.OSR_POLICY_FILE)
    policy = _active.get(path)
    if policy is None:
        from .checks import registered_checks

        policy = load_policy(path, known_checks=registered_checks())
        _active.clear()
        _active[path] = policy
    return policy
