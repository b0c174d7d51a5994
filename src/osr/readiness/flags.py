"""Flags that apps above readiness raise on a service in the portfolio.

Readiness owns this registry; an app registers a flag in its ``AppConfig.ready``
(the review boards flag a service in public beta with no board scheduled). A
flag is a pure function of the service's facts (with what the app's checks
loaded in ``facts.extra``) and the date, so the portfolio costs no more queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .facts import ServiceFacts


@dataclass(frozen=True, slots=True)
class PortfolioFlag:
    """A short text shown as a tag beside the service, in a GOV.UK tag colour."""

    text: str
    colour: str = "orange"


Flagger = Callable[[ServiceFacts, dt.date], PortfolioFlag | None]

_flaggers: dict[str, Flagger] = {}


def register_portfolio_flag(name: str, flagger: Flagger) -> None:
    _flaggers[name] = flagger


def flags_for(facts: ServiceFacts, today: dt.date) -> list[PortfolioFlag]:
    """Every registered flag raised on the service today."""
    flags = (flagger(facts, today) for flagger in _flaggers.values())
    return [flag for flag in flags if flag is not None]
