"""The form a person fills in to issue themselves an API token."""

from __future__ import annotations

import datetime as dt

from django import forms

from ..forms import DayMonthYearField
from .services import DEFAULT_DAYS, MAX_DAYS

READ_ONLY, READ_WRITE = "read_only", "read_write"
ACCESS = [
    (READ_ONLY, "Read only: it may look things up but change nothing"),
    (READ_WRITE, "Read and write: it may do whatever your role allows"),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, to tell it apart: for example, Deployment pipeline",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    access = forms.ChoiceField(
        label="What may it do?",
        choices=ACCESS,
        initial=READ_ONLY,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the token may do"},
    )
    expires_on = DayMonthYearField(
        label="Expiry date",
        help_text=f"The last day it works, at most {MAX_DAYS} days from today",
        error_messages={"required": "Enter the expiry date"},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = today + dt.timedelta(days=DEFAULT_DAYS)
