"""The catalogue's parts of the home page: whose services are whose, and the estate.

``services_of`` and ``person_of`` are shared by the higher apps' sections, so that
"your services" means the same thing on every section of a page.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from osr.core.home import HomeSection, register_home_section
from osr.core.roles import ADMIN, DELIVERY, LIVE_SERVICES_MANAGER, OSR_MANAGER

from . import contacts
from .choices import Phase
from .models import DeliveryGroup, Person, Service, Team
from .rules import managed_group_ids

SHOWN = 10  # rows a section shows before its "See all" link


def person_of(user) -> Person | None:
    """The person record of a signed-in user, or None for an account that has none."""
    return getattr(user, "person", None)


def services_of(person: Person | None) -> QuerySet[Service]:
    """The services a person works on: their teams' services, and those they own or manage."""
    if person is None:
        return Service.objects.none()
    return Service.objects.filter(
        Q(delivery_team__in=Team.objects.filter(members=person))
        | Q(service_owner=person)
        | Q(product_manager=person)
    ).order_by("name", "id")


def list_address(name: str, group_ids, *, group_param: str = "group", **params) -> str:
    """A list page's address, narrowed to the group managed when there is only one."""
    if len(group_ids) == 1:
        (only,) = group_ids
        slug = DeliveryGroup.objects.filter(pk=only).values_list("slug", flat=True).first()
        if slug:
            params[group_param] = slug
    query = urlencode(params)
    return reverse(name) + (f"?{query}" if query else "")


def live_services(request) -> dict:
    """The live services of the groups the live services manager looks after."""
    groups = managed_group_ids(request.user, LIVE_SERVICES_MANAGER)
    services = Service.objects.filter(delivery_group_id__in=groups, phase=Phase.LIVE)
    return {
        "groups": len(groups),
        "services": list(services.select_related("delivery_group", "delivery_team")[:SHOWN]),
        "total": services.count(),
        "all_url": list_address(
            "catalogue:services", groups, group_param="delivery_group", phase=Phase.LIVE
        ),
    }


def _unconfirmed(services: QuerySet[Service]) -> dict:
    due = contacts.unconfirmed(services, timezone.localdate()).select_related("delivery_group")
    return {"services": list(due[:SHOWN]), "total": due.count()}


def contacts_to_confirm(request) -> dict:
    """The person's services whose owners and contacts are due to be confirmed."""
    return _unconfirmed(services_of(person_of(request.user)))


def groups_contacts_to_confirm(request) -> dict:
    """The OSR manager's groups' services whose contacts are due to be confirmed."""
    groups = managed_group_ids(request.user, OSR_MANAGER)
    return _unconfirmed(Service.objects.filter(delivery_group_id__in=groups).order_by("name", "id"))


def estate(request) -> dict:
    """How many services are in each phase, and how many groups, teams and people hold them."""
    by_phase = dict(
        Service.objects.order_by()
        .values_list("phase")
        .annotate(n=Count("id"))
        .values_list("phase", "n")
    )
    return {
        "phases": [(value, label, by_phase.get(value, 0)) for value, label in Phase.choices],
        "services": sum(by_phase.values()),
        "groups": DeliveryGroup.objects.count(),
        "teams": Team.objects.count(),
    }


def _holds(role: str, field: str) -> Exists:
    """Whether the person a group names in ``field`` has an account that holds ``role``."""
    return Exists(
        Group.objects.filter(
            name=role, user__id=OuterRef(f"{field}__user_id"), user__is_active=True
        )
    )


def groups_needing_an_administrator(request) -> dict:
    """Delivery groups with no OSR manager or live services manager who can act as one.

    A person named as a manager whose account no longer holds the role has no
    manager's rights, so the group is as good as without one.
    """
    groups = (
        DeliveryGroup.objects.annotate(
            osr_manager_acts=_holds(OSR_MANAGER, "osr_manager"),
            live_services_manager_acts=_holds(LIVE_SERVICES_MANAGER, "live_services_manager"),
        )
        .filter(Q(osr_manager_acts=False) | Q(live_services_manager_acts=False))
        .select_related("osr_manager", "live_services_manager")
        .order_by("name", "id")
    )
    rows = []
    for group in groups[:SHOWN]:
        gaps = []
        managers = (
            (group.osr_manager, group.osr_manager_acts, "OSR manager"),
            (
                group.live_services_manager,
                group.live_services_manager_acts,
                "live services manager",
            ),
        )
        for person, acts, title in managers:
            if person is None:
                gaps.append(f"No {title}")
            elif not acts:
                gaps.append(f"{person.name}, named as {title}, does not hold the role")
        rows.append((group, gaps))
    return {"rows": rows, "total": groups.count(), "all_url": reverse("catalogue:groups")}


def register() -> None:
    register_home_section(
        "catalogue-contacts-to-confirm",
        HomeSection(60, DELIVERY, "catalogue/home/contacts.html", contacts_to_confirm),
    )
    register_home_section(
        "catalogue-groups-contacts-to-confirm",
        HomeSection(60, OSR_MANAGER, "catalogue/home/contacts.html", groups_contacts_to_confirm),
    )
    register_home_section(
        "catalogue-live-services",
        HomeSection(10, LIVE_SERVICES_MANAGER, "catalogue/home/live_services.html", live_services),
    )
    register_home_section(
        "catalogue-estate", HomeSection(10, ADMIN, "catalogue/home/estate.html", estate)
    )
    register_home_section(
        "catalogue-groups-needing-an-administrator",
        HomeSection(
            30, ADMIN, "catalogue/home/groups_needing.html", groups_needing_an_administrator
        ),
    )
