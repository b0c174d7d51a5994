"""Who is told what about review boards; every email goes through ``osr.core.notify``."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from osr.catalogue.recipients import address_of, team_addresses, unique
from osr.core import notify
from osr.core.notifications.choices import Kind
from osr.core.shortcuts import day


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
        Kind.BOARD_SCHEDULED,
    )
    notify.send_email(
        _panel_addresses(board),
        subject,
        f"{service.name} ({service.delivery_group.name}) is on the agenda of the review board "
        f"on {when} ({_where(board)}).\n\n"
        f"Read its board pack and record your assessment:\n\n{_link(item.get_absolute_url())}",
        Kind.BOARD_SCHEDULED,
    )


def _panel_addresses(board) -> list[str]:
    panel = [address_of(m.person) for m in board.panel.select_related("person__user")]
    return unique([*panel, address_of(board.chair)])


def _tell_team_and_panel(board, subject: str, said: str) -> None:
    """Tell the team of each service on the board's agenda, and its panel and chair."""
    link = _link(board.get_absolute_url())
    for item in board.agenda.select_related("service__delivery_team", "service__service_owner"):
        notify.send_email(
            team_addresses(item.service),
            f"{subject}: {item.service.name}",
            f"{item.service.name} is on the agenda of this review board.\n\n{said}\n\n{link}",
            Kind.BOARD_CHANGED,
        )
    notify.send_email(_panel_addresses(board), subject, f"{said}\n\n{link}", Kind.BOARD_CHANGED)


def board_rescheduled(board, change) -> None:
    """Tell the teams and the panel that the board moved: from when, to when, and why."""
    _tell_team_and_panel(
        board,
        f"Review board rescheduled to {day(board.day)}",
        f"The review board is rescheduled.\n\nWas: {change.was}\nNow: {change.now}"
        f"\n\nWhy: {change.reason}",
    )


def board_cancelled(board, change) -> None:
    """Tell the teams and the panel that the board is cancelled, and why."""
    _tell_team_and_panel(
        board,
        f"Review board on {day(board.day)} cancelled",
        f"The review board of {change.was} is cancelled.\n\nWhy: {change.reason}\n\n"
        "Its services are free to go on the agenda of another board.",
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
        unique([*team_addresses(service), *(address_of(a.owner) for a in conditions)]),
        f"Review board outcome for {service.name}: {decision.get_outcome_display().lower()}",
        "\n".join(lines),
        Kind.OUTCOME_RECORDED,
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
        unique(recipients),
        f"Action for {action.service.name} {'due soon' if kind == 'before' else 'overdue'}",
        f"This action for {action.service.name} {when}:\n\n{action.description}\n\n"
        f"Close it once it is done:\n\n{_link(action.get_absolute_url())}",
        Kind.ACTION_DUE if kind == "before" else Kind.ACTION_OVERDUE,
    )
