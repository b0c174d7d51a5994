"""Who is told what about review boards; every email goes through ``osr.core.notify``."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from osr.catalogue.models import Person, Service
from osr.core import notify
from osr.core.shortcuts import day


def address_of(person: Person | None) -> str:
    """A person's email: their own, or their sign-in account's."""
    if person is None:
        return ""
    return person.email or (person.user.email if person.user_id and person.user else "")


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
    return _unique(addresses)


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))


def _link(path: str) -> str:
    return f"{settings.OSR_BASE_URL}{path}"


def _where(board) -> str:
    places = [p for p in (board.place, board.call_link) if p]
    return " / ".join(places)


def service_added_to_agenda(item) -> None:
    """Tell the service's team and the board's panel that the service is on the agenda."""
    board, service = item.board, item.service
    when = f"{day(board.day)} at {timezone.localtime(board.starts_at):%H:%M}"
    subject = f"{service.name} is on the agenda of the review board on {day(board.day)}"
    notify.send_email(
        team_addresses(service),
        subject,
        f"{service.name} will be reviewed by the operational service design review board "
        f"on {when} ({_where(board)}), chaired by {board.chair.name}.\n\n"
        "The board checks that the service can be operated reliably end to end, against "
        "point 14 of the Service Standard. Its board pack is here:\n\n"
        f"{_link(item.get_absolute_url())}",
    )
    panel = [address_of(m.person) for m in board.panel.select_related("person__user")]
    notify.send_email(
        _unique([*panel, address_of(board.chair)]),
        subject,
        f"{service.name} ({service.delivery_group.name}) is on the agenda of the review board "
        f"on {when} ({_where(board)}).\n\n"
        f"Read its board pack and record your assessment:\n\n{_link(item.get_absolute_url())}",
    )


def outcome_recorded(decision) -> None:
    """Tell the service's team the board's outcome, and any conditions they must meet."""
    item = decision.item
    service, board = item.service, item.board
    lines = [
        f"The review board on {day(board.day)} recorded its outcome for {service.name}: "
        f"{decision.get_outcome_display().lower()}.",
        "",
        decision.summary,
    ]
    if decision.corrects_id:
        lines += ["", "This corrects the outcome recorded earlier."]
    conditions = list(decision.actions.select_related("owner"))
    if conditions:
        lines += ["", "Conditions:"]
        lines += [f"- {a.description} ({a.owner.name}, by {day(a.due_on)})" for a in conditions]
    lines += ["", _link(item.get_absolute_url())]
    notify.send_email(
        _unique([*team_addresses(service), *(address_of(a.owner) for a in conditions)]),
        f"Review board outcome for {service.name}: {decision.get_outcome_display().lower()}",
        "\n".join(lines),
    )


def action_reminder(action, kind: str) -> None:
    """Remind an action's owner that it falls due soon ("before") or is overdue ("after")."""
    when = (
        f"is due on {day(action.due_on)}"
        if kind == "before"
        else f"was due on {day(action.due_on)} and is overdue"
    )
    recipients = [address_of(action.owner)]
    if kind == "after":
        recipients.append(address_of(action.service.delivery_group.osr_manager))
    notify.send_email(
        _unique(recipients),
        f"Action for {action.service.name} {'due soon' if kind == 'before' else 'overdue'}",
        f"This action for {action.service.name} {when}:\n\n{action.description}\n\n"
        f"Close it once it is done:\n\n{_link(action.get_absolute_url())}",
    )
