"""How often each person hears of each kind of notification: now, in a daily digest, or never."""

from __future__ import annotations

from django import forms
from django.db import transaction

from ..refusals import Invalid
from .choices import Frequency, Kind
from .models import NotificationPreference


def preferences_of(user) -> dict[str, str]:
    """Every kind with the person's choice; a kind they never chose is sent as it happens."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, Frequency.NOW) for kind in Kind.values}


def set_preferences(user, choices: dict[str, str]) -> dict[str, str]:
    """Record the person's choices (kinds not named keep theirs); refuses unknown values."""
    errors: dict[str, list[str]] = {}
    for kind, frequency in choices.items():
        if kind not in Kind.values:
            errors[kind] = [f"‘{kind}’ is not a kind of notification"]
        elif frequency not in Frequency.values:
            errors[kind] = [
                f"Choose how often you hear of ‘{Kind(kind).label}’: " + ", ".join(Frequency.values)
            ]
    if errors:
        raise Invalid(errors)
    current = preferences_of(user)
    with transaction.atomic():
        for kind, frequency in choices.items():
            if current[kind] != frequency:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=kind, defaults={"frequency": frequency}
                )
    return preferences_of(user)


class PreferencesForm(forms.Form):
    """One GOV.UK radios question per kind of notification."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = preferences_of(user)
        for kind, label in Kind.choices:
            field = forms.ChoiceField(
                label=label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                initial=current[kind],
            )
            field.error_messages["required"] = f"Choose how often you hear of ‘{label}’"
            field.error_messages["invalid_choice"] = field.error_messages["required"]
            self.fields[kind] = field
