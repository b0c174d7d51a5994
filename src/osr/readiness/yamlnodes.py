"""Reading YAML strictly, keeping the line of every value for error messages.

The policy and service manifests are checked on PyYAML's node tree rather than
on plain dicts, so that every problem can name the line it is on, and a key
written twice is an error instead of silently winning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, at a line (1-based; 0 when unknown)."""

    line: int
    message: str


@dataclass
class Problems:
    """The problems found in one file, collected so that all are reported at once."""

    file: str
    items: list[Problem] = field(default_factory=list)

    def add(self, node: Node | None, message: str) -> None:
        self.items.append(Problem(line_of(node), message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def lines(self) -> list[str]:
        return [f"{self.file}:{p.line}: {p.message}" for p in sorted(self.items, key=_order)]


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.line, problem.message)


def line_of(node: Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def compose_all(text: str, problems: Problems) -> list[Node]:
    """Every document of a YAML text as a node tree, or a problem naming the line."""
    try:
        return [doc for doc in yaml.compose_all(text, Loader=yaml.SafeLoader) if doc is not None]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        reason = " ".join(part for part in (error.context, error.problem) if part)
        problems.items.append(Problem(line, f"malformed YAML: {reason}"))
    except yaml.YAMLError as error:
        problems.items.append(Problem(0, f"malformed YAML: {error}"))
    return []


def mapping(node: Node, problems: Problems, what: str) -> dict[str, tuple[Node, Node]] | None:
    """A mapping's entries by key, each with its key node and value node.

    A key given twice is reported at its second line.
    """
    if not isinstance(node, MappingNode):
        problems.add(node, f"{what} must be a mapping of keys to values")
        return None
    entries: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            problems.add(key_node, f"a key in {what} must be plain text")
            continue
        key = str(key_node.value)
        if key in entries:
            first = line_of(entries[key][0])
            problems.add(key_node, f"key '{key}' in {what} is repeated (first on line {first})")
            continue
        entries[key] = (key_node, value_node)
    return entries


def unknown_keys(
    entries: dict[str, tuple[Node, Node]], allowed: set[str], problems: Problems, what: str
) -> None:
    for key, (key_node, _value) in entries.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            problems.add(key_node, f"unknown key '{key}' in {what} (known keys: {known})")


def sequence(node: Node, problems: Problems, what: str) -> list[Node]:
    if not isinstance(node, SequenceNode):
        problems.add(node, f"{what} must be a list")
        return []
    return list(node.value)


def _value(node: ScalarNode):
    return yaml.SafeLoader("").construct_object(node)


def text(node: Node, problems: Problems, what: str, *, allow_empty: bool = False) -> str | None:
    """A plain string; numbers are taken as written (``version: 2026.1``)."""
    if not isinstance(node, ScalarNode):
        problems.add(node, f"{what} must be text")
        return None
    value = _value(node)
    if value is None or isinstance(value, bool | dt.date):
        if value is None and allow_empty:
            return ""
        problems.add(node, f"{what} must be text")
        return None
    result = str(node.value).strip()
    if not result and not allow_empty:
        problems.add(node, f"{what} must not be empty")
        return None
    return result


def boolean(node: Node, problems: Problems, what: str) -> bool | None:
    """true/false; quoted "true"/"false" too, as Backstage annotations are strings."""
    if isinstance(node, ScalarNode):
        value = _value(node)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
    problems.add(node, f"{what} must be true or false")
    return None


def integer(node: Node, problems: Problems, what: str, *, minimum: int = 0) -> int | None:
    if isinstance(node, ScalarNode):
        value = _value(node)
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return value
    problems.add(node, f"{what} must be a whole number of at least {minimum}")
    return None


def date(node: Node, problems: Problems, what: str) -> dt.date | None:
    """A date written YYYY-MM-DD, quoted or not."""
    if isinstance(node, ScalarNode):
        value = _value(node)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
    problems.add(node, f"{what} must be a date written YYYY-MM-DD")
    return None


def text_list(node: Node, problems: Problems, what: str) -> list[str]:
    """A list of strings; a single string is taken as a list of one."""
    if isinstance(node, ScalarNode):
        single = text(node, problems, what)
        return [single] if single else []
    values = []
    for item in sequence(node, problems, what):
        value = text(item, problems, f"an item of {what}")
        if value:
            values.append(value)
    return values
