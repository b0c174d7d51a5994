"""The roles OSR knows, held as Django groups.

A user's role is the group they are in; what a role may do to which object is
decided by the ``rules`` predicates each app registers (``<app>/rules.py``),
so pages, the API and the CLI all ask ``user.has_perm(...)`` in the same way.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import Exists

VIEWER = "viewer"
DELIVERY = "delivery"
OSR_MANAGER = "osr_manager"
LIVE_SERVICES_MANAGER = "live_services_manager"
ADMIN = "admin"

ROLES: dict[str, str] = {
    VIEWER: "Viewer",
    DELIVERY: "Delivery team member",
    OSR_MANAGER: "OSR manager",
    LIVE_SERVICES_MANAGER: "Live services manager",
    ADMIN: "Administrator",
}


def ensure_role_groups() -> None:
    """Create the Django group of every role (idempotent)."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The role names of a user, read once per user object (or with it: ``held_by``)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_osr_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._osr_roles = cached  # type: ignore[union-attr,attr-defined]
    return cached


def held_by(user_id) -> dict[str, Exists]:
    """Whether the user ``user_id`` refers to (an ``OuterRef``) holds each role, as
    annotations named ``holds_<role>``: read in the statement that reads the user, not
    in one of its own. ``remember_held`` keeps them on the user."""
    return {
        f"holds_{role}": Exists(Group.objects.filter(user=user_id, name=role)) for role in ROLES
    }


def remember_held(user, row) -> None:
    """Keep on ``user`` the roles ``row``, annotated by ``held_by``, says the user holds."""
    user._osr_roles = frozenset(role for role in ROLES if getattr(row, f"holds_{role}"))


def is_administrator(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether a user administers OSR: a superuser, or in the admin role.

    The admin role makes a user staff (``assign_role``), and only staff may enter
    Django's admin, so the role is looked up for staff alone: other people's pages
    cost no extra query.
    """
    if getattr(user, "is_superuser", False):
        return True
    return bool(getattr(user, "is_staff", False)) and ADMIN in roles_of(user)


def assign_role(user, role: str) -> None:
    """Put a user in exactly one role group."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    ensure_role_groups()
    user.groups.set([Group.objects.get(name=role)])
    user.is_staff = role == ADMIN
    user.is_superuser = role == ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
