"""The registry through which higher apps guard phase changes.

The catalogue owns ``Service.move_to`` but knows nothing of readiness; the
readiness app registers a check here in its ``AppConfig.ready`` so that the
dependency between the apps points one way only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Blocker:
    """One reason a phase move is refused, as the user should read it."""

    requirement_id: str
    reason: str


@dataclass
class PhaseMoveRefused(Exception):
    """A phase move that a registered check refused, with every blocker."""

    service_slug: str
    to_phase: str
    blockers: list[Blocker] = field(default_factory=list)

    def __str__(self) -> str:
        listed = "; ".join(f"{b.requirement_id}: {b.reason}" for b in self.blockers)
        return f"{self.service_slug} cannot move to {self.to_phase}: {listed}"


PhaseCheck = Callable[..., list[Blocker]]
_checks: list[PhaseCheck] = []


def register_phase_check(check: PhaseCheck) -> None:
    """Add a check called as ``check(service, to_phase, by=, today=, force=, reason=)``."""
    if check not in _checks:
        _checks.append(check)


def check_phase_move(
    service, to_phase: str, *, by, today: dt.date, force: bool, reason: str
) -> None:
    """Raise ``PhaseMoveRefused`` listing the blockers of every registered check."""
    blockers: list[Blocker] = []
    for check in _checks:
        blockers.extend(check(service, to_phase, by=by, today=today, force=force, reason=reason))
    if blockers:
        raise PhaseMoveRefused(service.slug, to_phase, blockers)
