"""The signed-in home page: each role's sections, filled by the apps that own the work.

Core knows nothing of evidence, boards or guides. Each app registers the sections
it can fill, in ``AppConfig.ready``, for the role whose work they hold; the home
page shows a person the sections of every role they hold, role by role. A
section's context is read in a fixed number of queries, so the page costs the
same whatever the size of the estate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .roles import ADMIN, ROLES, is_administrator, roles_of

# What a role's sections are about, said once above them.
ROLE_INTRODUCTIONS = {
    "delivery": "Your services and what they need from you next.",
    "osr_manager": "What needs you in the delivery groups you manage.",
    "live_services_manager": "The live services of your delivery groups, and what touches them.",
    "admin": "The whole estate, and what needs an administrator.",
}


@dataclass(frozen=True)
class HomeSection:
    """A part of a role's home page: a template and the context it is rendered with."""

    order: int
    role: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]


@dataclass(frozen=True)
class RoleHome:
    """One role's part of a person's home page, its sections rendered in order."""

    role: str
    title: str
    introduction: str
    sections: list[tuple[str, dict[str, Any]]]


_sections: dict[str, HomeSection] = {}


def register_home_section(name: str, section: HomeSection) -> None:
    if section.role not in ROLES:
        raise ValueError(f"unknown role {section.role!r} for home section {name!r}")
    _sections[name] = section


def home_roles(user) -> list[str]:
    """The roles whose work the user's home page shows, in the order roles are listed."""
    held = set(roles_of(user))
    if is_administrator(user):
        held.add(ADMIN)  # a superuser outside the admin group administers all the same
    return [role for role in ROLES if role in held]


def home_page(request: HttpRequest, roles: Iterable[str]) -> list[RoleHome]:
    """Each role's sections with their context, for the roles given that have any."""
    parts = []
    for role in roles:
        chosen = sorted((s for s in _sections.values() if s.role == role), key=lambda s: s.order)
        if chosen:
            parts.append(
                RoleHome(
                    role,
                    ROLES[role],
                    ROLE_INTRODUCTIONS.get(role, ""),
                    [(section.template, section.context(request)) for section in chosen],
                )
            )
    return parts


def once_per_request(request: HttpRequest, key: str, compute: Callable[[], Any]) -> Any:
    """A value several sections share (a portfolio evaluated once), kept on the request."""
    kept = request.__dict__.setdefault("_osr_home", {})
    if key not in kept:
        kept[key] = compute()
    return kept[key]
