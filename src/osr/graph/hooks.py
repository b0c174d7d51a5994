"""Where the graph asks another app the state of a service's live-data obligations.

The graph sits beside readiness, not above it, so it cannot import the readiness
engine. Readiness registers the function that answers in its ``AppConfig.ready``::

    from osr.graph.hooks import register_live_data_obligations
    register_live_data_obligations(statuses_for)

where ``statuses_for(service_ids, *, today)`` returns, for each service id, the
status of requirements ``LD-1`` and ``LD-2`` (``not_started``, ``submitted``,
``met``, ``rejected``, ``waived``, ``expired`` or ``not_applicable``) and reads
the database a fixed number of times whatever the number of ids. Until then
the answer comes from the catalogue: a service that uses live data has not met
LD-1, and LD-2 is met when a support contact email is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

LIVE_DATA_REQUIREMENTS = ("LD-1", "LD-2")
SATISFIED = frozenset({"met", "waived", "not_applicable"})

Statuses = dict[int, dict[str, str]]
ObligationSource = Callable[..., Statuses]

_source: ObligationSource | None = None


def register_live_data_obligations(source: ObligationSource | None) -> None:
    """Answer live-data obligations with ``source`` (None restores the catalogue's answer)."""
    global _source
    _source = source


def from_catalogue(service_ids: Sequence[int], *, today: dt.date) -> Statuses:
    """The answer before readiness is consulted: the catalogue's flags, one query."""
    from osr.catalogue.models import Service

    statuses: Statuses = {}
    rows = Service.objects.filter(pk__in=list(service_ids)).values_list(
        "pk", "uses_live_data", "support_contact_email"
    )
    for pk, uses_live_data, email in rows:
        statuses[pk] = {
            "LD-1": "not_started" if uses_live_data else "not_applicable",
            "LD-2": ("met" if email else "not_started") if uses_live_data else "not_applicable",
        }
    return statuses


def live_data_obligations(service_ids: Sequence[int], *, today: dt.date) -> Statuses:
    """The status of LD-1 and LD-2 for each service, from whichever app answers."""
    if not service_ids:
        return {}
    source = _source or from_catalogue
    answered = source(list(service_ids), today=today)
    return {
        pk: {req: answered.get(pk, {}).get(req, "not_started") for req in LIVE_DATA_REQUIREMENTS}
        for pk in service_ids
    }


def is_satisfied(status: str) -> bool:
    return status in SATISFIED
