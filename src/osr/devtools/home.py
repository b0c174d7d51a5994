"""What changed near a live services manager's live services: the home page section.

The services in development that could break a live service are those the
incident contacts name (``graph.incidents``); their changes are the same ones
"changed recently" shows there, with the changes their teams raised from a
code host beside them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from osr.catalogue.choices import Phase
from osr.catalogue.home import SHOWN
from osr.catalogue.rules import managed_group_ids
from osr.core.home import HomeSection, register_home_section
from osr.core.roles import LIVE_SERVICES_MANAGER
from osr.graph.incidents import (
    DEPENDS_ON_IT,
    FEEDS_IT_DATA,
    RECENT_DAYS,
    SHARES_COMPONENT,
    recent_changes,
    related_in_development,
)
from osr.graph.kept_index import current_index

from .choices import Host
from .models import ChangeRequest

# How the service in development touches the live one, read as "<service> <verb> <live>".
TOUCHES = {
    DEPENDS_ON_IT: "depends on",
    FEEDS_IT_DATA: "feeds data to",
    SHARES_COMPONENT: "shares a component with",
}


@dataclass(frozen=True)
class Touch:
    """A live service a service in development touches, and how."""

    how: str
    slug: str
    name: str


@dataclass(frozen=True)
class NearbyChange:
    """A change by a service in development near one of the manager's live services."""

    when: dt.datetime
    what: str
    by: str
    service_slug: str
    service_name: str
    touches: tuple[Touch, ...]


def changes_near_live_services(request) -> dict:
    """Recent changes by services in development that touch the manager's live services."""
    groups = managed_group_ids(request.user, LIVE_SERVICES_MANAGER)
    index = current_index()
    live = [
        node
        for node in range(index.service_count)
        if index.groups[node] in groups and index.phase(node) == Phase.LIVE
    ]
    touching: dict[int, list[Touch]] = {}
    for node in live:
        for related in related_in_development(index, node):
            touches = touching.setdefault(related.node, [])
            for reason in related.reasons:
                touches.append(Touch(TOUCHES[reason], index.slugs[node], index.names[node]))
    by_pk = {index.db_ids[node]: node for node in touching}
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)

    found: list[tuple[int, dt.datetime, str, str]] = []
    for pk, changes in recent_changes(by_pk, since=since).items():
        found.extend((pk, change.when, change.what, change.by) for change in changes)
    raised = ChangeRequest.objects.filter(service_id__in=list(by_pk), received_at__gte=since)
    for pk, when, summary, host in raised.values_list(
        "service_id", "received_at", "summary", "host"
    ).order_by():
        found.append((pk, when, f"Change from {Host(host).label}: {summary}", Host(host).label))
    found.sort(key=lambda row: row[1], reverse=True)

    rows = [
        NearbyChange(
            when,
            what,
            by,
            index.slugs[by_pk[pk]],
            index.names[by_pk[pk]],
            tuple(touching[by_pk[pk]]),
        )
        for pk, when, what, by in found[:SHOWN]
    ]
    return {
        "groups": len(groups),
        "live": len(live),
        "watched": len(by_pk),
        "rows": rows,
        "total": len(found),
        "days": RECENT_DAYS,
    }


def register() -> None:
    register_home_section(
        "devtools-changes-near-live-services",
        HomeSection(
            20,
            LIVE_SERVICES_MANAGER,
            "devtools/home/changes_near_live_services.html",
            changes_near_live_services,
        ),
    )
