"""Who to call when a live service has an incident: services in development near it.

``related_in_development`` decides, from the index alone, which services in
development could have caused an incident and why; ``incident_contacts`` adds
their recent changes (from the phase history and the audit trail) and contacts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from osr.catalogue.choices import DependencyKind, Phase
from osr.catalogue.models import Component, Dependency, PhaseChange, Service
from osr.core.compiled import ByKeys
from osr.core.history import full_name, person_relation

from .findings import DEVELOPMENT
from .index import Index
from .queries import reach_with_route

RECENT_DAYS = 14
# Up to this many services, removals are picked out by the database (see ``_removals_naming``).
NARROWED_UP_TO = 500

DEPENDS_ON_IT = "depends_on_it"
FEEDS_IT_DATA = "feeds_it_data"
SHARES_COMPONENT = "shares_component"
REASONS = {
    DEPENDS_ON_IT: "depends on it",
    FEEDS_IT_DATA: "feeds it data",
    SHARES_COMPONENT: "shares a component with it",
}


@dataclass
class Related:
    """A service in development near the live one, and why it matters."""

    node: int
    reasons: list[str] = field(default_factory=list)
    depth: int = 1
    via: int | None = None
    links: list[str] = field(default_factory=list)  # how they depend on each other directly


def _link(index: Index, edge: int, source: int, target: int) -> str:
    kind = DependencyKind(index.kind(edge)).label.lower()
    flows = ", live data flows" if index.edge_live[edge] else ""
    return f"{index.names[source]} depends on {index.names[target]} ({kind}{flows})"


def related_in_development(index: Index, live: int) -> list[Related]:
    """The services in development that depend on ``live`` (at any depth), feed it
    data, or share a component with it. Ordered by depth, then name."""
    related: dict[int, Related] = {}

    def note(node: int, reason: str, depth: int = 1, via: int | None = None) -> None:
        if not index.is_service(node) or index.phase(node) not in DEVELOPMENT:
            return
        entry = related.setdefault(node, Related(node, depth=depth, via=via))
        if depth < entry.depth:
            entry.depth, entry.via = depth, via
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    for found in reach_with_route(index, live, "downstream"):
        note(found.node, DEPENDS_ON_IT, found.depth, found.via)
    shared = DependencyKind.SHARED_COMPONENT
    for node, edge in zip(*index.upstream(live), strict=True):
        if index.kind(edge) == DependencyKind.DATA_FEED or index.edge_live[edge]:
            note(node, FEEDS_IT_DATA)
        if index.kind(edge) == shared:
            note(node, SHARES_COMPONENT)
        if node in related:
            related[node].links.append(_link(index, edge, live, node))
    for node, edge in zip(*index.downstream(live), strict=True):
        if index.kind(edge) == shared:
            note(node, SHARES_COMPONENT)
        if node in related:
            related[node].links.append(_link(index, edge, node, live))
    order = list(REASONS)
    for entry in related.values():
        entry.reasons.sort(key=order.index)
    return sorted(related.values(), key=lambda r: (r.depth, index.names[r.node].lower()))


@dataclass(frozen=True)
class Change:
    """Something that changed on a service: when, what, by whom."""

    when: dt.datetime
    what: str
    by: str


@dataclass(frozen=True)
class Contact:
    """Someone to call: how to reach them in and out of working hours."""

    name: str
    email: str
    phone: str = ""
    out_of_hours: str = ""
    url: str = ""  # absolute, to paste into an incident channel


@dataclass
class IncidentContact:
    """A service in development to contact about an incident on a live service."""

    service: Service
    url: str  # absolute
    reasons: list[str]
    links: list[str]
    depth: int
    via: str | None
    changes: list[Change]
    support_contact_email: str
    support_hours: str
    service_owner: Contact | None
    product_manager: Contact | None
    delivery_team: Contact | None
    delivery_group: str
    osr_manager: Contact | None
    live_services_manager: Contact | None


@dataclass
class IncidentContacts:
    """The answer for one live service at one moment."""

    service: Service
    at: dt.datetime
    since: dt.datetime
    contacts: list[IncidentContact]
    # Recent changes in its blast radius, most likely first (see ``suspects``).
    suspects: list[Any] = field(default_factory=list)

    @property
    def is_live(self) -> bool:
        return self.service.phase == Phase.LIVE

    @property
    def changed_recently(self) -> list[IncidentContact]:
        return [contact for contact in self.contacts if contact.changes]


def absolute(path: str) -> str:
    return f"{settings.OSR_BASE_URL}{path}"


# The columns of a person ``_person`` reads (its address is made from its id).
_PERSON_COLUMNS = ("name", "email", "phone", "out_of_hours")


def _person(person) -> Contact | None:
    if person is None:
        return None
    return Contact(
        person.name,
        person.email,
        person.phone,
        person.out_of_hours,
        absolute(person.get_absolute_url()),
    )


def _actors(user_ids: set[int | None]) -> dict[int | None, str]:
    """The name of each user who made a change (None: the system), read in one query, and
    in none when no one did."""
    names: dict[int | None, str] = {None: full_name(None)}
    ids = {pk for pk in user_ids if pk is not None}
    if ids:
        users = get_user_model().objects.order_by()
        accessor = person_relation()
        if accessor:
            users = users.select_related(accessor)
        names.update((pk, full_name(user)) for pk, user in users.in_bulk(ids).items())
    return names


def _is_real(entry: LogEntry) -> bool:
    """Whether an entry changed something: a save that changed no field is not a change."""
    if entry.action != LogEntry.Action.UPDATE:
        return True
    return bool(set(entry.changes_dict or {}) - {"updated", "created"})


_VERBS = {
    LogEntry.Action.CREATE: "Added",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Removed",
}


def _touched_services(
    entry: LogEntry, current: dict[tuple[int, int], tuple[int | None, ...]]
) -> set[int]:
    """The services a component or dependency change concerns, from the entry or the row."""
    changes = entry.changes_dict or {}
    ids: set[int] = set()
    for name in _SERVICE_FIELDS:
        for value in changes.get(name, []) or []:
            if str(value).isdigit():
                ids.add(int(value))
    ids.update(pk for pk in current.get((entry.content_type_id, int(entry.object_pk)), ()) if pk)
    return ids


# The fields of a dependency or component that name a service, as its entries record them.
_SERVICE_FIELDS = ("service", "from_service", "to_service")


def _removals_naming(service_ids: set[int]) -> Q:
    """Removal entries whose recorded values may name one of these services: for a few
    services, the estate's other removals stay in the database, not read to be dropped.

    A removal records each field as [old value, None]; the old value is text, or a
    number where changes are stored as JSON, so both are asked for. For many services
    every removal is read (and sorted out by ``_touched_services``), which keeps the
    query's parameters within what any database accepts.
    """
    if len(service_ids) > NARROWED_UP_TO:
        return Q()
    values: list[int | str] = [*service_ids, *map(str, service_ids)]
    named = Q()
    for name in _SERVICE_FIELDS:
        named |= Q(**{f"changes__{name}__0__in": values})
    return named


def _belonging_now(
    entries: list[LogEntry], dependency_type: int, component_type: int
) -> dict[tuple[int, int], tuple[int | None, ...]]:
    """The services each entry's dependency or component belongs to now, by (content
    type, id): read for the rows the entries name, and not at all when there are none."""
    named: dict[int, set[int]] = {dependency_type: set(), component_type: set()}
    for entry in entries:
        if entry.action != LogEntry.Action.DELETE:  # a removed row belongs to nothing now
            named[entry.content_type_id].add(int(entry.object_pk))
    current: dict[tuple[int, int], tuple[int | None, ...]] = {}
    if named[dependency_type]:
        for pk, source, target in (
            Dependency.objects.filter(pk__in=named[dependency_type])
            .values_list("pk", "from_service_id", "to_service_id")
            .order_by()
        ):
            current[(dependency_type, pk)] = (source, target)
    if named[component_type]:
        for pk, service in (
            Component.objects.filter(pk__in=named[component_type])
            .values_list("pk", "service_id")
            .order_by()
        ):
            current[(component_type, pk)] = (service,)
    return current


# What is read of each entry: not the whole object each one keeps (``serialized_data``).
_ENTRY_READ = (
    "content_type_id", "object_pk", "object_repr", "action", "changes", "changes_text",
    "timestamp", "actor_id",
)  # fmt: skip


def recent_changes(service_ids: Iterable[int], *, since: dt.datetime) -> dict[int, list[Change]]:
    """Phase moves and changes to the dependencies and components of these services."""
    wanted = set(service_ids)
    found: dict[int, list[Change]] = {pk: [] for pk in wanted}
    if not wanted:
        return found
    # (service, when, what, by whom): who is named once every change is known.
    made: list[tuple[int, dt.datetime, str, int | None]] = []
    moves = PhaseChange.objects.filter(service_id__in=wanted, changed_at__gte=since)
    for service_id, from_phase, to_phase, when, by in moves.values_list(
        "service_id", "from_phase", "to_phase", "changed_at", "changed_by_id"
    ):
        to_label = Phase(to_phase).label.lower()
        what = (
            f"Moved from {Phase(from_phase).label.lower()} to {to_label}"
            if from_phase
            else f"Registered in {to_label}"
        )
        made.append((service_id, when, what, by))

    types = ContentType.objects.get_for_models(Dependency, Component)
    dependency_type, component_type = types[Dependency], types[Component]
    # Unordered: a model's default order would join the services' names for nothing.
    dependencies = Dependency.objects.filter(
        Q(from_service_id__in=wanted) | Q(to_service_id__in=wanted)
    ).order_by()
    components = Component.objects.filter(service_id__in=wanted).order_by()
    # The entries of what still belongs to these services, and the removals that name
    # them (a removed row is known only by the values its entry kept).
    entries = (
        LogEntry.objects.only(*_ENTRY_READ)
        .filter(timestamp__gte=since, action__in=list(_VERBS))
        .filter(
            Q(content_type=dependency_type, object_id__in=dependencies.values("pk"))
            | Q(content_type=component_type, object_id__in=components.values("pk"))
            | Q(
                _removals_naming(wanted),
                content_type__in=[dependency_type, component_type],
                action=LogEntry.Action.DELETE,
            )
        )
    )
    real = [entry for entry in entries if _is_real(entry)]
    current = _belonging_now(real, dependency_type.pk, component_type.pk)
    for entry in real:
        noun = "dependency" if entry.content_type_id == dependency_type.pk else "component"
        what = f"{_VERBS[entry.action]} {noun} {entry.object_repr}"
        for pk in _touched_services(entry, current) & wanted:
            made.append((pk, entry.timestamp, what, entry.actor_id))
    names = _actors({actor for *_, actor in made})
    for service_id, when, what, actor in made:
        found[service_id].append(Change(when, what, names.get(actor, names[None])))
    for changes in found.values():
        changes.sort(key=lambda c: c.when, reverse=True)
    return found


# Who a contact names, and what the answer and the page show of each service and person:
# only these columns are read (a service's whole row is long, and each contact reads four people).
_PEOPLE = (
    "service_owner",
    "product_manager",
    "delivery_group__osr_manager",
    "delivery_group__live_services_manager",
)
_SHOWN = (
    "slug",
    "name",
    "phase",
    "support_contact_email",
    "support_hours",
    "delivery_team__name",
    "delivery_team__slug",
    "delivery_team__contact_email",
    "delivery_group__name",
    *(f"{person}__{column}" for person in _PEOPLE for column in _PERSON_COLUMNS),
)


# The services to contact, with whom to call, by their keys in SQL written once (its
# joins of four people, a team and a group would otherwise be written each time).
_CONTACTED = ByKeys(
    lambda: Service.objects.select_related(*_PEOPLE, "delivery_team", "delivery_group").only(
        *_SHOWN
    )
)


def incident_contacts(index: Index, service: Service, *, now: dt.datetime) -> IncidentContacts:
    """The services in development to contact about an incident on ``service``."""
    since = now - dt.timedelta(days=RECENT_DAYS)
    node = index.node_for(service.slug)
    related = related_in_development(index, node) if node is not None else []
    pks = [index.db_ids[r.node] for r in related]
    services = {other.pk: other for other in _CONTACTED.get(pks)}
    changes = recent_changes(pks, since=since)
    contacts = []
    for entry in related:
        pk = index.db_ids[entry.node]
        other = services.get(pk)
        if other is None:
            continue  # deleted since the index was built
        team = other.delivery_team
        group = other.delivery_group
        contacts.append(
            IncidentContact(
                service=other,
                url=absolute(other.get_absolute_url()),
                reasons=[REASONS[r] for r in entry.reasons],
                links=entry.links,
                depth=entry.depth,
                via=index.names[entry.via] if entry.via is not None else None,
                changes=changes.get(pk, []),
                support_contact_email=other.support_contact_email,
                support_hours=other.get_support_hours_display(),
                service_owner=_person(other.service_owner),
                product_manager=_person(other.product_manager),
                delivery_team=(
                    Contact(team.name, team.contact_email, url=absolute(team.get_absolute_url()))
                    if team
                    else None
                ),
                delivery_group=group.name,
                osr_manager=_person(group.osr_manager),
                live_services_manager=_person(group.live_services_manager),
            )
        )
    return IncidentContacts(service=service, at=now, since=since, contacts=contacts)
