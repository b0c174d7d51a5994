"""The registry through which higher apps guard phase changes.

The catalogue owns ``Service.move_to`` but knows nothing of readiness; the
readiness app registers a check here in its ``AppConfig.ready`` so that the
dependency between the apps points one way only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from osr.core.refusals import Conflicting


@dataclass(frozen=True)
class Blocker:
    """One reason a phase move is refused, as the user should read it."""

    requirement_id: str
    reason: str


class PhaseMoveRefused(Conflicting):
    """A phase move that a registered check refused, with every blocker: 409."""

    def __init__(self, service_slug: str, to_phase: str, blockers: list[Blocker] | None = None):
        self.service_slug = service_slug
        self.to_phase = to_phase
        self.blockers = list(blockers or [])
        listed = "; ".join(f"{b.requirement_id}: {b.reason}" for b in self.blockers)
        super().__init__(f"{service_slug} cannot move to {to_phase}: {listed}")

    def body(self) -> dict:
        return {
            "detail": self.message,
            "blockers": [{"id": b.requirement_id, "reason": b.reason} for b in self.blockers],
        }


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
