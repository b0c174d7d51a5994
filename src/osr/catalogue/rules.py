"""Who may change what in the catalogue: the one place the rules are written.

Pages, the API and the CLI all ask ``user.has_perm("catalogue.<action>_<model>", obj)``.
For ``add_*`` permissions the object is the delivery group the new thing belongs to.
"""

import operator
from functools import reduce

import rules
from django.db.models import Q

from osr.core.roles import ADMIN, DELIVERY, LIVE_SERVICES_MANAGER, OSR_MANAGER, roles_of

from .models import DeliveryGroup, Person, Service, Team

# Where a role's holder works: a delivery team member in the groups they belong to,
# a manager in the groups they are assigned to, whatever else they are listed in.
_WORKS_IN = {
    DELIVERY: "members__user",
    OSR_MANAGER: "osr_manager__user",
    LIVE_SERVICES_MANAGER: "live_services_manager__user",
}


def group_ids_of(user) -> frozenset[int]:
    """The delivery groups whose services the user may edit, read once per user, in one
    query (through the user's person, who is not read)."""
    cached = getattr(user, "_osr_group_ids", None)
    if cached is not None:
        return cached
    ids: frozenset[int] = frozenset()
    if user.is_authenticated:
        roles = roles_of(user)
        works_in = [Q(**{path: user}) for role, path in _WORKS_IN.items() if role in roles]
        if works_in:
            ids = frozenset(
                DeliveryGroup.objects.filter(reduce(operator.or_, works_in)).values_list(
                    "id", flat=True
                )
            )
    user._osr_group_ids = ids
    return ids


def _group_id(obj) -> int | None:
    if isinstance(obj, DeliveryGroup):
        return obj.pk
    return obj.owning_group_id


# The field of a delivery group naming each manager, by the role that person must hold.
MANAGER_FIELDS = {OSR_MANAGER: "osr_manager", LIVE_SERVICES_MANAGER: "live_services_manager"}


def managed_group_ids(user, role: str) -> frozenset[int]:
    """The delivery groups the user is assigned to manage in ``role``, read once per user.

    The assignment counts only while the account still holds the role: a manager
    moved to another role keeps no manager's right, whatever the group still says.
    """
    cache = user.__dict__.setdefault("_osr_managed_group_ids", {})
    if role not in cache:
        ids: frozenset[int] = frozenset()
        if user.is_authenticated and role in roles_of(user):
            field = f"{MANAGER_FIELDS[role]}__user"
            ids = frozenset(
                DeliveryGroup.objects.filter(**{field: user}).values_list("id", flat=True)
            )
        cache[role] = ids
    return cache[role]


def _manages_as(role: str, user, obj) -> bool:
    if obj is None:  # no object yet: is the user this manager of any group?
        return bool(managed_group_ids(user, role))
    return _group_id(obj) in managed_group_ids(user, role)


@rules.predicate
def is_groups_osr_manager(user, obj) -> bool:
    """The user is the OSR manager of the delivery group the object belongs to."""
    return _manages_as(OSR_MANAGER, user, obj)


@rules.predicate
def is_groups_live_services_manager(user, obj) -> bool:
    """The user is the live services manager of the delivery group the object belongs to."""
    return _manages_as(LIVE_SERVICES_MANAGER, user, obj)


@rules.predicate
def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMIN in roles_of(user))


@rules.predicate
def is_manager(user) -> bool:
    return bool(roles_of(user) & {OSR_MANAGER, LIVE_SERVICES_MANAGER})


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated


@rules.predicate
def edits_group_of(user, obj) -> bool:
    """The object belongs to a delivery group the user works in.

    Without an object (a form not yet filled in) the question is whether the
    user works in any group at all; the filled-in form is checked again.
    """
    if obj is None:
        return bool(group_ids_of(user))
    return _group_id(obj) in group_ids_of(user)


@rules.predicate
def manages_group_of(user, obj) -> bool:
    """The user is a manager (OSR or live services) working in the object's group."""
    return is_manager(user) and edits_group_of(user, obj)


def person_group_ids(person: Person, among: frozenset[int]) -> frozenset[int]:
    """Which of the delivery groups ``among`` the catalogue names the person in.

    A group's people are its members, its teams' members, its managers, and the
    owners, product managers and data owners of its services. One query.
    """
    if not among or person.pk is None:
        return frozenset()
    in_teams = Team.members.through.objects.filter(person_id=person.pk).values(
        "team__delivery_group_id"
    )
    on_services = Service.objects.filter(
        Q(service_owner_id=person.pk) | Q(product_manager_id=person.pk) | Q(data_owner_id=person.pk)
    ).values("delivery_group_id")
    found = DeliveryGroup.objects.filter(id__in=among).filter(
        Q(members__id=person.pk)
        | Q(osr_manager_id=person.pk)
        | Q(live_services_manager_id=person.pk)
        | Q(id__in=in_teams)
        | Q(id__in=on_services)
    )
    return frozenset(found.values_list("id", flat=True).distinct())


@rules.predicate
def is_own_person(user, person) -> bool:
    """The person record is the user's own."""
    return person is not None and user.is_authenticated and person.user_id == user.pk


@rules.predicate
def manages_person(user, person) -> bool:
    """A manager's right over a person: one of their groups' people, without an account.

    Someone who signs in keeps their own record (and Entra ID keeps it up to date):
    a manager who could change their email could redirect their notifications.
    Without an object the question is whether the user manages any group at all.
    """
    if not is_manager(user):
        return False
    if person is None:
        return bool(group_ids_of(user))
    if person.user_id is not None:
        return False
    return bool(person_group_ids(person, group_ids_of(user)))


for model in [
    "service",
    "component",
    "dependency",
    "team",
    "deliverygroup",
    "person",
    "supplier",
    "contract",
    "externalsystem",
]:
    rules.add_perm(f"catalogue.view_{model}", is_signed_in)

# Services, their components and dependencies: the group's own people.
for model in ["service", "component", "dependency"]:
    rules.add_perm(f"catalogue.add_{model}", is_admin | edits_group_of)
    rules.add_perm(f"catalogue.change_{model}", is_admin | edits_group_of)
rules.add_perm("catalogue.delete_service", is_admin | manages_group_of)
rules.add_perm("catalogue.delete_component", is_admin | edits_group_of)
rules.add_perm("catalogue.delete_dependency", is_admin | edits_group_of)
rules.add_perm("catalogue.move_service", is_admin | edits_group_of)

# Teams belong to a group and are run by its managers.
rules.add_perm("catalogue.add_team", is_admin | manages_group_of)
rules.add_perm("catalogue.change_team", is_admin | manages_group_of)
rules.add_perm("catalogue.delete_team", is_admin | manages_group_of)

# Shared reference data: managers of any group keep it up to date.
for model in ["supplier", "contract", "externalsystem"]:
    rules.add_perm(f"catalogue.add_{model}", is_admin | is_manager)
    rules.add_perm(f"catalogue.change_{model}", is_admin | is_manager)
    rules.add_perm(f"catalogue.delete_{model}", is_admin)

# People: any manager records a new contact; a record is changed by its own person,
# by a manager of a group that names them (while they have no account), or by an
# administrator. Choosing a person on a service or group is not editing them.
rules.add_perm("catalogue.add_person", is_admin | is_manager)
rules.add_perm("catalogue.change_person", is_admin | is_own_person | manages_person)
rules.add_perm("catalogue.delete_person", is_admin)

# Delivery groups, and who manages them, are an administrator's decision.
rules.add_perm("catalogue.add_deliverygroup", is_admin)
rules.add_perm("catalogue.change_deliverygroup", is_admin)
rules.add_perm("catalogue.delete_deliverygroup", is_admin)
rules.add_perm("catalogue.force_phase_move", is_admin)
