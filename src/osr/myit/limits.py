"""ServiceNow's inbound REST rate limits, as the client sees them in its answers.

A rate limit rule allows so many requests an hour (``X-RateLimit-Limit``),
counted until the hour resets (``X-RateLimit-Reset``, epoch seconds). The
client counts what it sends in the current hour, so that at the limit it waits
for the reset instead of being refused; a 429 beyond that count (another
integration sharing the rule) is waited out the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

# Seconds past the reset before sending again: the two clocks are not one.
_MARGIN = 1.0


@dataclass
class RateLimit:
    """What the instance said of its limit, and what the client sent since the last reset."""

    per_hour: int = 0  # 0: no limit announced
    reset_at: float = 0.0
    rule: str = ""
    sent: int = 0

    def observe(self, headers: Mapping[str, str], now: float) -> None:
        """Count an answered request, and learn the limit from its headers."""
        try:
            per_hour = int(headers.get("X-RateLimit-Limit", ""))
            reset_at = float(headers.get("X-RateLimit-Reset", ""))
        except ValueError:
            return
        if reset_at != self.reset_at:
            self.sent = 0  # a new hour
        self.per_hour, self.reset_at = per_hour, reset_at
        self.rule = headers.get("X-RateLimit-Rule", self.rule)
        self.sent += 1

    def wait_before_next(self, now: float) -> float:
        """Seconds to wait before the next request so as to stay under the limit."""
        if not self.per_hour or self.sent < self.per_hour or now >= self.reset_at:
            return 0.0
        return self.reset_at - now + _MARGIN

    def pause_line(self, resume_at: float) -> str:
        """What a run says when it pauses for the limit, and until when."""
        resume = datetime.fromtimestamp(resume_at, UTC)
        rule = f" ({self.rule})" if self.rule else ""
        return (
            f"MyIT's rate limit of {self.per_hour or 'its'} requests an hour{rule} is "
            f"reached: pausing until {resume:%H:%M:%S} UTC, then resuming"
        )

    def restart(self, now: float) -> None:
        """After waiting for a reset: nothing is counted against the new hour yet."""
        self.sent = 0
