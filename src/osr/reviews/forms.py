"""Forms of the review board pages; the API binds the same forms to its JSON."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup, Person, Service
from osr.core.forms import DayMonthYearField

from .board_rules import Condition
from .choices import Criterion, Outcome, Rating, RehearsalKind, specialisms


def osr_managers():
    """People assigned as the OSR manager of a delivery group: those who may chair."""
    return Person.objects.filter(osr_manager_of__isnull=False).distinct().order_by("name", "id")


def _to_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


class BoardForm(forms.Form):
    """When and where a board meets, for which delivery group, and who chairs it."""

    delivery_group = forms.ModelChoiceField(
        queryset=DeliveryGroup.objects.order_by("name"), to_field_name="slug"
    )
    day = DayMonthYearField(label="Date")
    time = forms.TimeField(label="Start time", help_text="For example, 14:00")
    place = forms.CharField(
        max_length=200,
        required=False,
        help_text="A room and building. Enter a place, a call link or both",
    )
    call_link = forms.URLField(
        max_length=500,
        required=False,
        label="Call link",
        help_text="A link to join the call. Enter a call link, a place or both",
    )
    chair = forms.ModelChoiceField(
        queryset=osr_managers(),
        help_text="An OSR manager",
        error_messages={"invalid_choice": "Choose an OSR manager to chair the board"},
    )
    in_the_past = "A board cannot be scheduled in the past"

    def __init__(
        self,
        *args,
        groups=None,
        now: dt.datetime | None = None,
        scheduled: dt.datetime | None = None,
        with_time: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        # When an existing board starts: a board that has met keeps its past start.
        self.scheduled = scheduled
        if not with_time:
            # Its date and time change by rescheduling, which says why and tells people.
            del self.fields["day"], self.fields["time"]
        if "chair" in self.fields:
            cast(forms.ModelChoiceField, self.fields["chair"]).queryset = osr_managers()
        if groups is not None:
            cast(forms.ModelChoiceField, self.fields["delivery_group"]).queryset = groups

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            starts_at = timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))
            if self.scheduled and _to_minute(starts_at) == _to_minute(self.scheduled):
                starts_at = self.scheduled  # the start as shown, to the minute: unchanged
            elif starts_at <= self.now:
                self.add_error("day", self.in_the_past)
            data["starts_at"] = starts_at
        if not data.get("place") and not data.get("call_link") and "call_link" not in self.errors:
            self.add_error("place", "Enter a place or a call link")
        return data


class RescheduleForm(BoardForm):
    """A new date, time or place for a board that has not met, and why."""

    delivery_group = None  # type: ignore[assignment]
    chair = None  # type: ignore[assignment]
    reason = forms.CharField(
        label="Why is the board rescheduled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the board is rescheduled"},
        help_text="The service teams and the panel are told",
    )
    in_the_past = "The new date and time must be in the future"

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, scheduled=board.starts_at, **kwargs)
        self.fields["day"].label = "New date"
        self.board = board

    def clean(self):
        data = super().clean()
        unchanged = (data.get("starts_at"), data.get("place"), data.get("call_link")) == (
            self.board.starts_at,
            self.board.place,
            self.board.call_link,
        )
        if unchanged:
            self.errors.pop("reason", None)  # nothing moves: there is nothing to explain
        return data


class CancelBoardForm(forms.Form):
    reason = forms.CharField(
        label="Why is the board cancelled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the board is cancelled"},
        help_text="The service teams and the panel are told",
    )


class BoardNotesForm(forms.Form):
    """The notes of a board that has met, who of its panel attended, and why they are corrected."""

    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the board discussed and agreed",
    )
    attended = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Panel members who attended",
    )
    reason = forms.CharField(
        label="Reason for correction",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the correction"},
        help_text="Kept with the change in the board's history",
    )

    def __init__(self, *args, panel, recorded: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["attended"])
        field.choices = [(m.person_id, f"{m.person.name} ({m.specialism})") for m in panel]
        if not recorded:
            del self.fields["reason"]  # a first record corrects nothing

    def clean(self):
        data = super().clean()
        if not ({"notes", "attended"} & set(self.changed_data)):
            self.errors.pop("reason", None)  # nothing is corrected: there is nothing to explain
        return data


class PanelMemberForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.order_by("name", "id"))
    specialism = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialism"].choices = [("", "")] + [(s, s) for s in specialisms()]


class AgendaForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.exclude(phase=Phase.RETIRED).order_by("name", "id"),
        to_field_name="slug",
    )


class AssessmentForm(forms.Form):
    """A rating and a comment for each of the seven criteria."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            self.fields[f"{criterion.value}_rating"] = forms.ChoiceField(
                choices=[("", "Not rated"), *Rating.choices], required=False, label=criterion.label
            )
            self.fields[f"{criterion.value}_comment"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Comment"
            )

    @staticmethod
    def initial_from(ratings) -> dict:
        initial = {}
        for row in ratings:
            initial[f"{row.criterion}_rating"] = row.rating
            initial[f"{row.criterion}_comment"] = row.comment
        return initial

    def ratings(self) -> dict[str, tuple[str, str]]:
        return {
            c.value: (
                self.cleaned_data.get(f"{c.value}_rating") or "",
                self.cleaned_data.get(f"{c.value}_comment") or "",
            )
            for c in Criterion
        }

    def add_refusal(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = f"{name}_rating" if name in Criterion.values else None
            for message in messages:
                self.add_error(target, message)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class ConditionForm(forms.Form):
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Condition"
    )
    owner = forms.ModelChoiceField(queryset=Person.objects.order_by("name", "id"), required=False)
    due_on = DayMonthYearField(required=False, label="Due date")

    def condition(self) -> Condition | None:
        data = self.cleaned_data
        if not (data.get("description") or data.get("owner") or data.get("due_on")):
            return None
        owner = data.get("owner")
        return Condition(data.get("description") or "", owner.pk if owner else None, data["due_on"])


ConditionFormSet = forms.formset_factory(ConditionForm, extra=3, max_num=20)


class CloseActionForm(forms.Form):
    note = forms.CharField(
        label="How was it done?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RehearsalForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", ""), *RehearsalKind.choices])
    held_on = DayMonthYearField(label="Date held")
    scenario = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    participants = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Who took part, one a line"
    )
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="How it went")
    findings = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What needs doing, one finding a line",
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > self.today:
            raise forms.ValidationError("Record a rehearsal once it has been held")
        return held_on

    def finding_lines(self) -> list[str]:
        text = self.cleaned_data.get("findings") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class FindingActionForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Person.objects.order_by("name", "id"))
    due_on = DayMonthYearField(label="Due date")
