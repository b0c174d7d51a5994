"""Risks the shape of the graph reveals: plain rules over the index.

Each rule's message is what the user reads; a finding names the service at
risk and the one it depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from osr.catalogue.choices import IN_DEVELOPMENT, Phase

from .index import Index

DEVELOPMENT = frozenset(str(p) for p in IN_DEVELOPMENT)


@dataclass(frozen=True)
class DependencyFinding:
    """One risk: the rule broken, by which dependency, in words."""

    rule: str
    service: int
    depends_on: int
    edge: int
    message: str


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    applies: Callable[[Index, int, Mapping[int, bool]], bool]
    message: Callable[[Index, int], str]


def _live_or_critical_on_development(index: Index, edge: int, _ld1: Mapping[int, bool]) -> bool:
    source, target = index.edge_source[edge], index.edge_target[edge]
    if not index.is_service(target) or index.phase(target) not in DEVELOPMENT:
        return False
    return index.phase(source) == Phase.LIVE or (
        bool(index.critical[source]) and index.phase(source) != Phase.RETIRED
    )


def _critical_on_non_critical(index: Index, edge: int, _ld1: Mapping[int, bool]) -> bool:
    source, target = index.edge_source[edge], index.edge_target[edge]
    return (
        index.is_service(target)
        and bool(index.critical[source])
        and not index.critical[target]
        and index.phase(source) != Phase.RETIRED
    )


def _live_data_without_ld1(index: Index, edge: int, ld1_met: Mapping[int, bool]) -> bool:
    source = index.edge_source[edge]
    return bool(index.edge_live[edge]) and not ld1_met.get(source, True)


def _names(index: Index, edge: int) -> tuple[str, str, str]:
    source, target = index.edge_source[edge], index.edge_target[edge]
    return index.names[source], index.names[target], index.phase(target).replace("_", " ")


RULES = [
    Rule(
        "live-on-development",
        "A live or critical service depends on a service still in development",
        _live_or_critical_on_development,
        lambda index, edge: "{} depends on {}, which is still in {}".format(*_names(index, edge)),
    ),
    Rule(
        "critical-on-non-critical",
        "A critical service depends on a service that is not critical",
        _critical_on_non_critical,
        lambda index, edge: "{} is critical but depends on {}, which is not".format(
            *_names(index, edge)[:2]
        ),
    ),
    Rule(
        "live-data-without-ld1",
        "Live data reaches a service whose security assurance pack (LD-1) is not met",
        _live_data_without_ld1,
        lambda index, edge: "{} takes live data from {} but has not met LD-1".format(
            *_names(index, edge)[:2]
        ),
    ),
]
RULE_TITLES = {rule.code: rule.title for rule in RULES}


def live_data_consumers(index: Index) -> list[int]:
    """The service nodes that receive live data through a dependency."""
    return sorted({index.edge_source[e] for e in range(index.edge_count) if index.edge_live[e]})


def findings(index: Index, ld1_met: Mapping[int, bool]) -> list[DependencyFinding]:
    """Every risk in the graph. ``ld1_met`` maps a service node to whether LD-1 is met."""
    found = []
    for edge in range(index.edge_count):
        for rule in RULES:
            if rule.applies(index, edge, ld1_met):
                found.append(
                    DependencyFinding(
                        rule.code,
                        index.edge_source[edge],
                        index.edge_target[edge],
                        edge,
                        rule.message(index, edge),
                    )
                )
    order = {rule.code: n for n, rule in enumerate(RULES)}
    found.sort(key=lambda f: (order[f.rule], index.names[f.service].lower(), f.edge))
    return found
