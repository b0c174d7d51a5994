"""Changes that could have caused an incident on a live service: the suspects.

The graph does not record changes; developer tooling does, and sits above the
graph. It registers where its changes come from in its ``AppConfig.ready``::

    from osr.graph.suspects import register_change_source
    register_change_source("devtools", recorded_since)

where ``recorded_since(since)`` returns the ``RecordedChange`` rows recorded
since then, in a fixed number of queries. The graph keeps those in the live
service's blast radius (every service it needs, directly or through others)
and puts the most likely first: a direct dependency, then one feeding it live
data, then the most recent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from osr.catalogue.models import Service

from .blast import reached_through_live_data
from .incidents import Contact, absolute
from .index import Index
from .queries import search


@dataclass(frozen=True)
class RecordedChange:
    """A change another app recorded against a service."""

    service_id: int
    when: dt.datetime
    summary: str
    reference: str = ""  # the number it is known by, such as MyIT's
    route: str = ""  # how it was authorised, in words
    url: str = ""  # where to read it, absolute


ChangeSource = Callable[[dt.datetime], Iterable[RecordedChange]]

_sources: dict[str, ChangeSource] = {}


def register_change_source(name: str, source: ChangeSource | None) -> None:
    """Read recorded changes from ``source`` (None stops reading from that app)."""
    if source is None:
        _sources.pop(name, None)
    else:
        _sources[name] = source


def recorded_since(since: dt.datetime) -> list[RecordedChange]:
    return [change for source in _sources.values() for change in source(since)]


@dataclass
class Suspect:
    """A recent change in the live service's blast radius, and whom to call about it."""

    change: RecordedChange
    service: Service
    depth: int  # 1: the live service needs the changed one directly
    live_data: bool  # the changed service feeds the live one live data
    reasons: list[str]
    support_contact_email: str
    service_owner: Contact | None
    delivery_team: Contact | None
    osr_manager: Contact | None


def _person(person) -> Contact | None:
    if person is None:
        return None
    return Contact(person.name, person.email, person.phone, person.out_of_hours)


def suspect_changes(index: Index, live: Service, *, since: dt.datetime) -> list[Suspect]:
    """The changes recorded since ``since`` to services ``live`` needs, most likely first.

    One search upstream and one over live-data dependencies; the catalogue is read
    once for the changed services' contacts, whatever the number of changes.
    """
    node = index.node_for(live.slug)
    changes = recorded_since(since)
    if node is None or not changes:
        return []
    found = search(index, node, "upstream")
    fed = reached_through_live_data(index, node, "upstream")
    ids = np.array([c.service_id for c in changes], dtype=np.int64)
    service_nodes = np.frombuffer(index.db_ids, dtype=np.int64)[: index.service_count]
    by_id = np.argsort(service_nodes)
    place = np.minimum(np.searchsorted(service_nodes, ids, sorter=by_id), len(by_id) - 1)
    nodes = by_id[place] if len(by_id) else place
    known = len(by_id) > 0
    kept = []
    for change, changed in zip(changes, nodes.tolist(), strict=True):
        if not known or index.db_ids[changed] != change.service_id:
            continue  # a service the index does not hold yet
        depth = int(found.depth_of[changed])
        if depth > 0:
            kept.append((change, changed, depth, bool(fed[changed])))
    kept.sort(key=lambda k: (k[2] != 1, not k[3], -k[0].when.timestamp()))
    services = Service.objects.select_related(
        "delivery_team", "service_owner", "delivery_group__osr_manager"
    ).in_bulk({k[0].service_id for k in kept})
    suspects = []
    for change, _node, depth, live_data in kept:
        service = services.get(change.service_id)
        if service is None:
            continue
        team = service.delivery_team
        between = depth - 1
        reasons = [
            "a direct dependency"
            if depth == 1
            else f"needed through {between} other service{'s' if between > 1 else ''}"
        ]
        if live_data:
            reasons.append("feeds it live data")
        suspects.append(
            Suspect(
                change=change,
                service=service,
                depth=depth,
                live_data=live_data,
                reasons=reasons,
                support_contact_email=service.support_contact_email,
                service_owner=_person(service.service_owner),
                delivery_team=(
                    Contact(team.name, team.contact_email, url=absolute(team.get_absolute_url()))
                    if team
                    else None
                ),
                osr_manager=_person(service.delivery_group.osr_manager),
            )
        )
    return suspects
