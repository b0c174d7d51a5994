"""Review board operations shared by pages, the API and the CLI.

Each write is one transaction, attributed to the acting user in the audit
trail; email goes through ``osr.core.notify`` once the transaction commits.
The rules themselves live on the models' guarded methods and in ``decisions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from osr.catalogue.choices import Phase
from osr.catalogue.models import Person, Service
from osr.core.refusals import Forbidden

from .board_rules import BoardNeed, Condition, board_need, reminder_due
from .choices import ActionStatus
from .models import (
    Action,
    AgendaItem,
    Assessment,
    BoardChange,
    Decision,
    Finding,
    PanelMember,
    Rehearsal,
    ReviewBoard,
    board_changes,
)
from .notices import action_reminder
from .readiness_checks import load_board_records


def schedule_board(data: dict, *, by) -> ReviewBoard:
    """Schedule a board from ``BoardForm``'s cleaned data (which refuses a time in the past)."""
    with transaction.atomic():
        return ReviewBoard.objects.create(
            delivery_group=data["delivery_group"],
            starts_at=data["starts_at"],
            place=data.get("place", "").strip(),
            call_link=data.get("call_link", "").strip(),
            chair=data["chair"],
            scheduled_by=by if getattr(by, "is_authenticated", False) else None,
        )


def change_board(board: ReviewBoard, data: dict, *, by) -> ReviewBoard:
    """Change where, for which group or by whom a board is held (``BoardForm``'s cleaned data).

    Its date and time change by ``reschedule_board``, which says why and tells people.
    """
    with transaction.atomic():
        board.refuse_if_cancelled("it is kept as it was")
        board.delivery_group = data["delivery_group"]
        board.place = data.get("place", "").strip()
        board.call_link = data.get("call_link", "").strip()
        board.chair = data["chair"]
        board.save()
    return board


def reschedule_board(
    board: ReviewBoard,
    *,
    starts_at: dt.datetime,
    place: str,
    call_link: str,
    reason: str,
    by,
    today: dt.date,
) -> BoardChange | None:
    """Move a board that has not met, saying why; its teams and panel are told (None: unchanged)."""
    change = board_changes.reschedule(
        board,
        starts_at=starts_at,
        place=place,
        call_link=call_link,
        reason=reason,
        by=by,
        today=today,
    )
    board.refresh_from_db()
    return change


def cancel_board(board: ReviewBoard, *, reason: str, by, today: dt.date) -> BoardChange:
    """Cancel a board that has not met, saying why; its services are free for another board."""
    change = board_changes.cancel(board, reason=reason, by=by, today=today)
    board.refresh_from_db()
    return change


def record_board_notes(
    board: ReviewBoard,
    *,
    notes: str,
    attended: Collection[int],
    reason: str,
    by,
    today: dt.date,
) -> BoardChange | None:
    """Record or correct (saying why) a met board's notes and attendance (None: unchanged)."""
    change = board_changes.record_notes(
        board, notes=notes, attended=attended, reason=reason, by=by, today=today
    )
    board.refresh_from_db()
    return change


def add_panel_member(board: ReviewBoard, person: Person, specialism: str, *, by) -> PanelMember:
    """Put a function specialist on a board's panel."""
    return board.add_panel_member(person, specialism, by=by)


def add_to_agenda(board: ReviewBoard, service: Service, *, by, today: dt.date) -> AgendaItem:
    """Put a service on a board's agenda; its pack is assembled and its team and panel told."""
    return board.add_to_agenda(service, by=by, today=today)


def remove_from_agenda(board: ReviewBoard, service: Service, *, by) -> None:
    """Take a service off a board's agenda before its outcome is recorded."""
    board.remove_from_agenda(service, by=by)


def refresh_pack(item: AgendaItem, *, by, today: dt.date) -> AgendaItem:
    """Assemble an agenda item's board pack again from what OSR holds now."""
    item.refresh_pack(by=by, today=today)
    return item


def panel_seat(board: ReviewBoard, user) -> PanelMember | None:
    """The user's seat on the board's panel, if they have one."""
    person_id = getattr(getattr(user, "person", None), "pk", None)
    if person_id is None:
        return None
    return board.panel.filter(person_id=person_id).select_related("person").first()


def save_assessment(
    item: AgendaItem, *, by, ratings: dict[str, tuple[str, str]], submit: bool
) -> Assessment:
    """Save a panel member's ratings of a service, as a draft or submitted for good."""
    member = panel_seat(item.board, by)
    if member is None:
        raise Forbidden("Only the board's panel members assess its services")
    return Assessment.save_ratings(item, member, ratings, submit=submit)


def assessments_shown_to(item: AgendaItem, user) -> tuple[Assessment | None, list[Assessment]]:
    """The user's own assessment, and the others' submitted ones they may see.

    A panel member sees the others' ratings once they have submitted their
    own; whoever may record the outcome sees every submitted one, and once
    it is recorded everybody does.
    """
    assessments = list(
        item.assessments.select_related("member__person").prefetch_related("ratings")
    )
    person_id = getattr(getattr(user, "person", None), "pk", None)
    own = next((a for a in assessments if a.member.person_id == person_id), None)
    sees_all = (
        item.decided
        or (own is not None and own.submitted)
        or user.has_perm("reviews.record_outcome", item.board)
    )
    others = [a for a in assessments if a is not own and a.submitted] if sees_all else []
    return own, others


def record_outcome(
    board: ReviewBoard,
    service: Service,
    *,
    outcome: str,
    summary: str,
    conditions: Sequence[Condition],
    by,
    today: dt.date,
    corrects: Decision | None = None,
) -> Decision:
    """Record (or correct) the board's outcome for a service; conditions become actions."""
    return board.record_outcome(
        service,
        outcome=outcome,
        summary=summary,
        conditions=conditions,
        by=by,
        today=today,
        corrects=corrects,
    )


def close_action(action: Action, *, by, note: str = "") -> Action:
    """Close an open action, saying how it was done."""
    action.close(by=by, note=note)
    return action


def record_rehearsal(service: Service, data: dict, findings: Sequence[str], *, by) -> Rehearsal:
    """Record a rehearsal from ``RehearsalForm``'s cleaned data, with its findings."""
    with transaction.atomic():
        rehearsal = Rehearsal.objects.create(
            service=service,
            kind=data["kind"],
            held_on=data["held_on"],
            scenario=data["scenario"].strip(),
            participants=data["participants"].strip(),
            outcome=data["outcome"].strip(),
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        for text in findings:
            if text.strip():
                Finding.objects.create(rehearsal=rehearsal, description=text.strip())
    return rehearsal


def raise_finding_action(
    finding: Finding, *, owner: Person, due_on: dt.date, by, today: dt.date
) -> Action:
    """Make a rehearsal's finding an action with an owner and a due date."""
    return finding.raise_action(owner=owner, due_on=due_on, by=by, today=today)


def send_action_reminders(*, today: dt.date) -> dict[str, int]:
    """Remind owners of open actions due within the week, and of overdue ones weekly.

    Run daily by ``osr actions remind`` (cron) or the ``remind_actions`` task.
    """
    from .board_rules import REMIND_BEFORE_DAYS

    sent = {"before": 0, "after": 0}
    candidates = Action.objects.filter(
        status=ActionStatus.OPEN, due_on__lte=today + dt.timedelta(days=REMIND_BEFORE_DAYS)
    ).select_related("owner__user", "service__delivery_group__osr_manager__user")
    for action in candidates:
        kind = reminder_due(
            action.due_on,
            today,
            reminded_before_on=action.reminded_before_on,
            reminded_after_on=action.reminded_after_on,
        )
        if kind is None:
            continue
        with transaction.atomic():
            action.mark_reminded(kind, today)
            action_reminder(action, kind)
        sent[kind] += 1
    return sent


def boards(*, when: str, today: dt.date) -> QuerySet[ReviewBoard]:
    """Upcoming boards (soonest first), past ones (latest first) or any, with what a row shows."""
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    queryset = ReviewBoard.objects.select_related("chair", "delivery_group").annotate(
        panel_size=Count("panel", distinct=True),
        decided_count=Count("agenda", filter=Q(agenda__decided=True), distinct=True),
    )
    in_force = Decision.objects.filter(corrected_by__isnull=True)
    agenda = (
        AgendaItem.objects.select_related("service")
        .prefetch_related(Prefetch("decisions", queryset=in_force, to_attr="in_force"))
        .order_by("position", "id")
    )
    queryset = queryset.prefetch_related(
        "panel__person", "changes__made_by", Prefetch("agenda", queryset=agenda)
    )
    if when == "past":
        return queryset.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-id")
    if when == "upcoming":
        return queryset.filter(starts_at__gte=start_of_today).order_by("starts_at", "id")
    return queryset


def board_needs(services: QuerySet[Service], *, today: dt.date) -> list[tuple[Service, BoardNeed]]:
    """Services in beta that need a board they do not have, in a fixed number of queries."""
    in_beta = list(
        services.filter(phase__in=[Phase.PRIVATE_BETA, Phase.PUBLIC_BETA]).select_related(
            "delivery_group"
        )
    )
    records = load_board_records([s.pk for s in in_beta])
    needs = []
    for service in in_beta:
        need = board_need(service.phase, records.get(service.pk), today)
        if need is not None:
            needs.append((service, need))
    return needs
