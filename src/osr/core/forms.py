"""Form pieces every app shares: the GOV.UK date input.

GOV.UK asks for a date as three boxes (day, month and year) rather than the
browser's date picker, which many people find hard to use. The page posts
``<name>-day``, ``<name>-month`` and ``<name>-year``; the API binds the same
forms to JSON holding one ISO date under ``<name>``. Both reach the field as one
``YYYY-MM-DD`` string, so a form's ``DateField`` validates them alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

PARTS = ("day", "month", "year")
_TYPED = re.compile(r"(?P<year>[^-]*)-(?P<month>[^-]*)-(?P<day>[^-]*)")


class DayMonthYearInput(forms.MultiWidget):
    """Day, month and year boxes, rendered by the form macro with ``govukDateInput``."""

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(numeric) for _ in PARTS], attrs)
        # GOV.UK's date input names its boxes <name>-day, <name>-month, <name>-year.
        self.widgets_names = [f"-{part}" for part in PARTS]

    def decompress(self, value) -> list[str]:
        """The day, month and year to show: of a date, an ISO date, or what was typed."""
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        typed = _TYPED.fullmatch(str(value or "").strip())
        if typed is None:
            return ["", "", ""]
        # An ISO date (from the API or a stored value) is shown without leading zeros.
        return [
            str(int(typed[p])) if typed[p].isdigit() else typed[p] for p in ("day", "month")
        ] + [typed["year"]]

    def value_from_datadict(self, data, files, name):
        if not any(f"{name}-{part}" in data for part in PARTS):
            return data.get(name)  # the API's ISO date, or a date already parsed
        day, month, year = (str(data.get(f"{name}-{part}") or "").strip() for part in PARTS)
        if not (day or month or year):
            return ""
        if day.isdigit() and month.isdigit() and year.isdigit():
            day, month = f"{int(day):02d}", f"{int(month):02d}"
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class DayMonthYearField(forms.DateField):
    """A date asked for with the GOV.UK date input, refused with GOV.UK's messages."""

    widget = DayMonthYearInput
    default_error_messages = {"invalid": "Enter a real date"}

    def to_python(self, value):
        if isinstance(value, str):
            typed = _TYPED.fullmatch(value.strip())
            if typed:
                self._check_parts(typed)
        return super().to_python(value)

    def _check_parts(self, typed: re.Match) -> None:
        missing = [part for part in PARTS if not typed[part]]
        if missing and len(missing) < len(PARTS):
            name = str(self.label or "The date")
            raise forms.ValidationError(
                f"{name} must include a {' and '.join(missing)}", code="incomplete"
            )
        if not typed["year"].isdigit() or len(typed["year"]) != 4:
            raise forms.ValidationError("The year must include 4 numbers", code="invalid_year")


class ReferencesCheckedOnce(forms.ModelForm):
    """A model form that does not ask the database twice whether a reference exists.

    A reference the form's own drop-down found exists: the model's check of its
    fields would ask the database again, a query each (four for a service). Its
    constraints and unique checks still see every field, except a unique field an
    edit leaves as the object had it (``validate_unique``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        # The unique values the object had when the form was made (see validate_unique).
        self._held_unique = (
            {}
            if instance._state.adding
            else {f.name: f.value_from_object(instance) for f in _alone_unique(type(instance))}
        )

    def validate_unique(self):
        """Django's, but without asking whether another object holds a unique value
        the edit leaves as the object had it (a service's slug, which never changes):
        the object's own row holds it, so no other row can. A field checked together
        with others (``unique_together``) is still checked with them."""
        instance, held = self.instance, self._held_unique
        unchanged = {
            field.name
            for field in _alone_unique(type(instance))
            if field.name in held and field.value_from_object(instance) == held[field.name]
        }
        try:
            instance.validate_unique(exclude=self._get_validation_exclusions() | unchanged)
        except ValidationError as error:
            self._update_errors(error)

    # Set by a form that checks every constraint of its model itself, each with its
    # own message: the model's check would ask the database again, a query each
    # (inside a transaction, with a savepoint around each).
    checks_model_constraints = False

    def _post_clean(self):
        found = self._references_found()
        instance = self.instance
        # For this check only, in place of the model's own.
        instead: dict[str, Callable] = {}
        if found:

            def clean_fields(exclude=None):
                type(instance).clean_fields(instance, exclude={*(exclude or ()), *found})

            instead["clean_fields"] = clean_fields
        if self.checks_model_constraints:
            instead["validate_constraints"] = lambda exclude=None: None
        if not instead:
            return super()._post_clean()
        vars(instance).update(instead)
        try:
            super()._post_clean()
        finally:
            for name in instead:
                del vars(instance)[name]

    def know_current_choices(self) -> None:
        """Let each drop-down take the object's current choice, loaded with the object,
        without asking the database for it again (an edit that keeps a service's four
        references would ask four times).

        Only for a form whose drop-downs always offer the object's current choice.
        """
        if not (self.is_bound and self.instance.pk):
            return
        for field in self.instance._meta.concrete_fields:
            choices = self.fields.get(field.name)
            if (
                not (field.many_to_one or field.one_to_one)
                or not isinstance(choices, forms.ModelChoiceField)
                or isinstance(choices, forms.ModelMultipleChoiceField)
                or not field.is_cached(self.instance)
            ):
                continue
            current = field.get_cached_value(self.instance)
            if current is not None:
                key = str(getattr(current, choices.to_field_name or "pk"))
                # This form's copy of the field only.
                choices.to_python = _taking(choices, current, key)  # type: ignore[method-assign]

    def _references_found(self) -> set[str]:
        """The model's references whose object the form found among its choices."""
        return {
            field.name
            for field in self.instance._meta.concrete_fields
            if (field.many_to_one or field.one_to_one)
            and not field.remote_field.limit_choices_to
            and isinstance(self.fields.get(field.name), forms.ModelChoiceField)
            and isinstance(self.cleaned_data.get(field.name), Model)
        }


def _taking(choices: forms.ModelChoiceField, current: Model, key: str):
    """``choices.to_python``, answering ``current`` for its key without a query."""

    def to_python(value):
        if isinstance(value, str | int) and str(value) == key:
            return current
        return type(choices).to_python(choices, value)

    return to_python


@functools.cache
def _alone_unique(model: type[Model]) -> tuple:
    """The model's unique fields, other than its key, that no unique set of fields
    (``unique_together``, or a unique constraint without a condition) includes."""
    meta = model._meta
    together = {name for names in meta.unique_together for name in names}
    together |= {name for constraint in meta.total_unique_constraints for name in constraint.fields}
    return tuple(
        field
        for field in meta.concrete_fields
        if field.unique and not field.primary_key and field.name not in together
    )
