"""The one interface for automatic checks, and the registry of every check the policy may name.

A check decides a requirement from facts instead of from evidence a person
verified. Readiness owns this registry; apps above it (MyIT, review boards,
guides, dev tools) put their implementation of a declared check here in their
``AppConfig.ready``:

    register_check(AutomaticCheck("myit.record_complete", "…", decide=..., load=...))

``decide(service, evidence, today)`` is pure: it reads ``ServiceFacts`` (with
``service.extra[name]`` holding what ``load`` returned for that service), the
service's evidence and the date, and returns an ``CheckOutcome`` or ``None`` when it
cannot decide (the requirement is then decided by evidence). ``load(service_ids)``
reads what the check needs for many services at once, in a fixed number of queries,
and returns plain data by service id. Checks may share one ``load`` function (MyIT's
do): it is called once per load and each of them finds its result under its own name.

Every check name the policy may use is declared here, so that the policy is
checked completely at start-up even before the app that implements a check is
loaded. Until an app registers an implementation, a declared check decides
nothing and its requirement is verified by the OSR manager.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .facts import EvidenceFacts, ServiceFacts

MET = "met"
NOT_APPLICABLE = "not_applicable"
NOT_MET = "not_met"


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What a check decided: met, not applicable, or not met (evidence may still decide)."""

    decided: str
    reason: str


Decide = Callable[[ServiceFacts, Sequence[EvidenceFacts], dt.date], CheckOutcome | None]
Load = Callable[[Any], Mapping[int, Any]]


@dataclass(frozen=True)
class AutomaticCheck:
    """A named check; ``decide`` None means declared but not yet provided by its app."""

    name: str
    description: str
    decide: Decide | None = None
    load: Load | None = None

    @property
    def pending(self) -> bool:
        return self.decide is None


_checks: dict[str, AutomaticCheck] = {}


def register_check(check: AutomaticCheck) -> None:
    """Add a check, or provide the implementation of a declared one."""
    _checks[check.name] = check


def registered_checks() -> dict[str, AutomaticCheck]:
    """Every check the policy may name, by name."""
    return dict(_checks)


# Checks whose facts live in apps still to come: declared now, decided manually until then.
for _name, _description in [
    ("myit.ticket_assignment", "The assignment group and routing exist in MyIT"),
    ("myit.configuration_uploaded", "MyIT holds how the service is configured and supported"),
    ("myit.record_complete", "The service's MyIT record is complete"),
    ("myit.support_queues", "The service's support queues are populated in MyIT"),
    ("devtools.change_raised", "A change was raised through the dev tools integration"),
    ("rehearsals.incident_and_change", "An incident rehearsal and a change rehearsal were run"),
    ("reviews.board_passed", "The review board's outcome was green or amber"),
    ("guides.operations_guide_approved", "The service operations guide is complete and approved"),
]:
    register_check(AutomaticCheck(_name, _description))
