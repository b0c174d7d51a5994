"""Whom the catalogue says to tell: a person's address, a service's team, a group's managers.

Every hand-off finds its recipients here, so that "the team" and "the group's
OSR manager" mean the same in every notification.
"""

from __future__ import annotations

from collections.abc import Iterable

from osr.core.notify import TeamsChannel
from osr.core.roles import roles_of

from .models import DeliveryGroup, Person, Service
from .rules import MANAGER_FIELDS


def address_of(person: Person | None) -> str:
    """A person's email: their own, or their sign-in account's."""
    if person is None:
        return ""
    return person.email or (person.user.email if person.user_id and person.user else "")


def account_address(user) -> str:
    """The address of a signed-in person: their record's, or their account's."""
    if user is None:
        return ""
    return address_of(getattr(user, "person", None)) or user.email or ""


def unique(addresses: Iterable[str]) -> list[str]:
    """The addresses without blanks or repeats (whatever their case), in order."""
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))


def team_addresses(service: Service) -> list[str]:
    """The service's delivery team: its shared inbox, or else its members, and the owner."""
    addresses: list[str] = []
    team = service.delivery_team
    if team is not None:
        if team.contact_email:
            addresses.append(team.contact_email)
        else:
            addresses += [address_of(p) for p in team.members.select_related("user")]
    addresses += [address_of(service.service_owner), address_of(service.product_manager)]
    if not any(addresses):
        addresses.append(service.support_contact_email)
    return unique(addresses)


def manager_addresses(group: DeliveryGroup, role: str) -> list[str]:
    """The group's manager in ``role`` (OSR or live services), while their account holds it.

    A manager moved to another role may no longer act as one (see ``rules``),
    so they are no longer asked to.
    """
    person = getattr(group, MANAGER_FIELDS[role])
    if person is None:
        return []
    if person.user_id and role not in roles_of(person.user):
        return []
    return unique([address_of(person)])


def teams_channel(group: DeliveryGroup) -> TeamsChannel | None:
    """The group's Microsoft Teams channel, if it has one."""
    if not group.teams_webhook_url:
        return None
    return TeamsChannel(webhook_url=group.teams_webhook_url, name=group.name)
