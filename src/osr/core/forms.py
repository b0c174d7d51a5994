"""Form pieces every app shares: the GOV.UK date input.

GOV.UK asks for a date as three boxes (day, month and year) rather than the
browser's date picker, which many people find hard to use. The page posts
``<name>-day``, ``<name>-month`` and ``<name>-year``; the API binds the same
forms to JSON holding one ISO date under ``<name>``. Both reach the field as one
``YYYY-MM-DD`` string, so a form's ``DateField`` validates them alike.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms

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
