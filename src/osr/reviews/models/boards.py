"""Review board meetings: when and where, the chair, the panel, and the agenda of services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from osr.catalogue.models import DeliveryGroup, Person, Service
from osr.core.models import TimestampedModel
from osr.core.refusals import Conflicting, Refusal
from osr.core.shortcuts import day

from ..board_rules import Condition
from ..choices import ActionSource, ActionStatus, BoardStatus


class ReviewBoard(TimestampedModel):
    """A meeting of the operational service design review board.

    Led for a delivery group by an OSR manager, who chairs a panel of function
    specialists; its agenda holds the services it reviews. It may be
    rescheduled or cancelled before it meets, and keeps its notes once it has.
    """

    delivery_group = models.ForeignKey(
        DeliveryGroup, on_delete=models.PROTECT, related_name="review_boards"
    )
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True, help_text="A room and building")
    call_link = models.URLField(max_length=500, blank=True, help_text="A link to join the call")
    chair = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="boards_chaired")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=BoardStatus.choices, default=BoardStatus.SCHEDULED
    )
    notes = models.TextField(blank=True, help_text="What the board discussed and agreed")

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(call_link=""), name="board_has_place_or_call_link"
            )
        ]

    def __str__(self) -> str:
        return f"Review board on {day(self.day)}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:board", args=[self.pk])

    @property
    def owning_group_id(self) -> int:
        return self.delivery_group_id

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    def has_met(self, today: dt.date) -> bool:
        return self.day <= today

    # Set while a change is saved, so that its audit entries carry the reason.
    _change_reason: str = ""

    def get_additional_data(self) -> dict | None:
        return {"reason": self._change_reason} if self._change_reason else None

    @property
    def cancelled(self) -> bool:
        return self.status == BoardStatus.CANCELLED

    def when_and_where(self) -> str:
        """When and where the board meets, as the emails and its history say it."""
        local = timezone.localtime(self.starts_at)
        places = " / ".join(p for p in (self.place, self.call_link) if p)
        return f"{day(local.date())} at {local:%H:%M}, {places}"

    def refuse_if_cancelled(self, doing: str) -> None:
        """Refuse (409) to do anything more with a cancelled board."""
        if self.cancelled:
            raise Conflicting(f"The board of {day(self.day)} is cancelled: {doing}")

    def refuse_unless_to_come(self, doing: str, today: dt.date) -> None:
        """Refuse (409) to change a board that is cancelled or has met."""
        self.refuse_if_cancelled(f"it cannot be {doing}")
        if self.has_met(today):
            raise Conflicting(f"The board of {day(self.day)} has met: it cannot be {doing}")

    def refuse_unless_met(self, today: dt.date) -> None:
        """Refuse (409) notes and attendance of a board that is cancelled or still to meet."""
        self.refuse_if_cancelled("it has no notes or attendance")
        if not self.has_met(today):
            raise Conflicting(
                f"The board meets on {day(self.day)}: record its notes once it has met"
            )

    def notes_recorded(self, panel) -> bool:
        """Whether the board's notes or attendance have been recorded yet."""
        return bool(self.notes) or any(member.attended is not None for member in panel)

    def add_panel_member(self, person: Person, specialism: str, *, by) -> PanelMember:
        """Put a function specialist on the panel; each person sits once on a board."""
        from ..choices import specialisms

        self.refuse_if_cancelled("its panel is kept as it was")
        if specialism not in specialisms():
            raise Refusal({"specialism": ["Choose one of the configured specialisms"]})
        try:
            with transaction.atomic():
                return PanelMember.objects.create(
                    board=self, person=person, specialism=specialism, added_by=_user(by)
                )
        except IntegrityError as error:
            raise Conflicting(f"{person} is already on the panel of this board") from error

    def add_to_agenda(self, service: Service, *, by, today: dt.date) -> AgendaItem:
        """Put a service on the agenda, assemble its board pack, and tell its team and the panel.

        A service is on one open board at a time: it may join another once
        this board has recorded its outcome.
        """
        from ..notices import service_added_to_agenda

        with transaction.atomic():
            self.refuse_if_cancelled("put the service on another board")
            if self.day < today:
                raise Refusal(f"The board of {day(self.day)} has met: add services to a later one")
            if AgendaItem.objects.filter(board=self, service=service).exists():
                raise Conflicting(f"{service} is already on this board's agenda")
            other = (
                AgendaItem.objects.filter(service=service, decided=False, withdrawn=False)
                .select_related("board")
                .first()
            )
            if other is not None:
                raise Conflicting(
                    f"{service} is already on the agenda of the open board of "
                    f"{day(other.board.day)}: a service is on one open board at a time"
                )
            position = AgendaItem.objects.filter(board=self).count() + 1
            try:
                with transaction.atomic():
                    item = AgendaItem.objects.create(
                        board=self, service=service, position=position, added_by=_user(by)
                    )
            except IntegrityError as error:
                raise Conflicting(f"{service} is already on an open board's agenda") from error
            item.refresh_pack(by=by, today=today)
            service_added_to_agenda(item)
        return item

    def remove_from_agenda(self, service: Service, *, by) -> None:
        """Take a service off the agenda, with its assessments, before its outcome is recorded."""
        with transaction.atomic():
            self.refuse_if_cancelled("its agenda is kept as it was")
            item = AgendaItem.objects.select_for_update().filter(board=self, service=service)
            found = item.first()
            if found is None:
                raise Refusal(f"{service} is not on this board's agenda")
            if found.decided:
                raise Conflicting(f"The outcome for {service} is recorded: it stays on the agenda")
            found.delete()

    def record_outcome(
        self,
        service: Service,
        *,
        outcome: str,
        summary: str,
        conditions: Sequence[Condition] = (),
        by,
        today: dt.date,
        corrects=None,
    ):
        """Record the board's outcome for a service on its agenda, once, for good.

        An amber outcome needs at least one condition; each becomes an action.
        A recorded outcome never changes: a correction is a new decision that
        references the one it corrects, whose open actions are withdrawn.
        """
        from ..board_rules import outcome_errors
        from ..notices import outcome_recorded
        from .actions import Action
        from .decisions import Decision

        with transaction.atomic():
            item = (
                AgendaItem.objects.select_for_update()
                .filter(board=self, service=service)
                .select_related("service", "board")
                .first()
            )
            if item is None:
                raise Refusal(f"{service} is not on this board's agenda")
            self.refuse_if_cancelled("it records no outcomes")
            if not self.has_met(today):
                raise Refusal(
                    f"The board meets on {day(self.day)}: record its outcome once it has met"
                )
            current = item.decisions.filter(corrected_by__isnull=True).first()
            if corrects is None and current is not None:
                raise Conflicting(
                    f"An outcome is already recorded for {service} at this board; "
                    "to change it, record a correction that references it"
                )
            if corrects is not None and (current is None or corrects.pk != current.pk):
                raise Conflicting("Only the decision in force can be corrected")
            errors = outcome_errors(outcome, summary, conditions, today)
            if errors:
                raise Refusal(errors)
            decision = Decision.objects.create(
                item=item,
                outcome=outcome,
                summary=summary.strip(),
                decided_by=_user(by),
                corrects=corrects,
            )
            if corrects is not None:
                for action in Action.objects.filter(decision=corrects, status=ActionStatus.OPEN):
                    action.withdraw()
            owners = Person.objects.in_bulk([c.owner_id for c in conditions])
            for condition in conditions:
                assert condition.owner_id is not None and condition.due_on is not None
                Action.objects.create(
                    service=service,
                    source=ActionSource.CONDITION,
                    decision=decision,
                    description=condition.description.strip(),
                    owner=owners[condition.owner_id],
                    due_on=condition.due_on,
                    raised_by=_user(by),
                )
            if not item.decided:
                item.decided = True
                item.save(update_fields=["decided", "updated"])
            outcome_recorded(decision)
        return decision


class PanelMember(models.Model):
    """A function specialist sitting on a board's panel, who assesses each service."""

    board = models.ForeignKey(ReviewBoard, on_delete=models.CASCADE, related_name="panel")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="panel_seats")
    specialism = models.CharField(max_length=100)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Recorded once the board has met: None until then.
    attended = models.BooleanField(null=True, blank=True)

    # Set while a correction is saved, so that its audit entry carries the reason.
    _change_reason = ""

    class Meta:
        ordering = ["specialism", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "person"], name="panel_member_once_a_board")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.specialism})"

    @property
    def owning_group_id(self) -> int:
        return self.board.delivery_group_id

    def get_additional_data(self) -> dict | None:
        return {"reason": self._change_reason} if self._change_reason else None


class AgendaItem(TimestampedModel):
    """A service on a board's agenda, with the board pack assembled for it."""

    board = models.ForeignKey(ReviewBoard, on_delete=models.CASCADE, related_name="agenda")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField(default=1)
    # True once the board has recorded its outcome for the service.
    decided = models.BooleanField(default=False)
    # True once its board is cancelled undecided: the service waits for it no more.
    withdrawn = models.BooleanField(default=False)
    pack = models.JSONField(default=dict, blank=True)
    pack_assembled_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["board__starts_at", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "service"], name="agenda_service_once"),
            # A service waits for one board at a time.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(decided=False, withdrawn=False),
                name="service_on_one_open_board",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} at the {self.board}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:item", args=[self.board_id, self.service.slug])

    @property
    def owning_group_id(self) -> int:
        return self.board.delivery_group_id

    def refresh_pack(self, *, by, today: dt.date) -> None:
        """Assemble the board pack again from what OSR holds now.

        Once the outcome is recorded the pack stays as the board saw it.
        """
        from ..pack import assemble_pack

        if self.decided:
            raise Conflicting("The outcome is recorded: the pack is kept as the board saw it")
        if self.withdrawn:
            raise Conflicting("The board is cancelled: the pack is kept as it was")
        with transaction.atomic():
            self.pack = assemble_pack(self.service, today=today)
            self.pack_assembled_at = timezone.now()
            self.save(update_fields=["pack", "pack_assembled_at", "updated"])


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
