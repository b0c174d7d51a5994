"""Forms of the operations profile (one per part, and the whole for the API) and of exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from osr.core.forms import DayMonthYearField

from .choices import Format
from .models import OperationsProfile
from .profile import PART_BY_KEY, PROFILE_FIELDS, duration_iso, duration_text, parse_duration_text


class DurationTextField(forms.Field):
    """A duration written as people write it (‘4 hours’), or in ISO 8601 (``PT4H``)."""

    default_error_messages = {
        "invalid": "Enter a duration of up to a year, like ‘4 hours’, ‘30 minutes’ or "
        "‘1 day 2 hours’"
    }

    def prepare_value(self, value):
        return duration_text(value) if isinstance(value, dt.timedelta) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.timedelta):
            value = duration_iso(value)
        parsed = parse_duration_text(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class ProfileForm(forms.ModelForm):
    """The operations profile's fields; each part's form is this one narrowed to its fields."""

    rto = DurationTextField(
        label="Recovery time objective (RTO)",
        required=False,
        help_text=OperationsProfile._meta.get_field("rto").help_text,
    )
    rpo = DurationTextField(
        label="Recovery point objective (RPO)",
        required=False,
        help_text=OperationsProfile._meta.get_field("rpo").help_text,
    )

    class Meta:
        model = OperationsProfile
        fields = list(PROFILE_FIELDS)
        widgets = {
            "release_frequency": forms.TextInput(),
        }
        field_classes = {
            "last_dr_test": DayMonthYearField,
            "last_penetration_test": DayMonthYearField,
        }

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = value.strip()
        return cleaned


def part_form_class(part_key: str) -> type[ProfileForm]:
    """The form of one part of the profile."""
    part = PART_BY_KEY[part_key]
    meta = type("Meta", (ProfileForm.Meta,), {"fields": list(part.fields)})
    name = f"{part_key.title().replace('-', '')}Form"
    form: type[ProfileForm] = type(name, (ProfileForm,), {"Meta": meta})
    for name in ("rto", "rpo"):
        if name not in part.fields:
            form.base_fields.pop(name, None)
    return form


def current_values(profile: OperationsProfile) -> dict[str, Any]:
    """Every profile field's value, as a form takes it, so that a partial change keeps the rest."""
    return {name: getattr(profile, name) for name in PROFILE_FIELDS}


class ExportForm(forms.Form):
    """Which formats to put in a bulk export of the live services' approved guides."""

    formats = forms.MultipleChoiceField(
        label="Formats",
        choices=Format.choices,
        initial=[Format.DOCX, Format.PDF],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one format"},
    )
