"""Validation of evidence, reviews and waivers, shared by the pages and the API."""

from __future__ import annotations

import datetime as dt

from django import forms

from osr.catalogue.forms import URLListField
from osr.core.forms import DayMonthYearField

from .policy import Requirement
from .uploads import ACCEPTED, check_upload


class EvidenceForm(forms.Form):
    """Evidence for one requirement: what the policy asks for decides what is required."""

    attestation = forms.CharField(
        required=False,
        widget=forms.Textarea,
        label="Attestation",
        help_text="Describe the evidence, or confirm what has been done. "
        "Give at least one of an attestation, a link or a file",
    )
    links = URLListField(
        required=False,
        label="Links",
        help_text="One web address a line. Not needed if you give an attestation or a file",
    )
    file = forms.FileField(
        required=False,
        label="File",
        help_text=f"A {ACCEPTED} file, smaller than 20MB. "
        "Not needed if you give an attestation or a link",
    )
    evidence_date = DayMonthYearField(required=False, label="Date of the evidence")
    pack_version = forms.CharField(max_length=50, label="Security assurance pack version")
    pack_date = DayMonthYearField(label="Date of the security assurance pack")

    def __init__(self, *args, requirement: Requirement, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirement = requirement
        self.today = today
        self.file_kind = None
        if requirement.evidence.dated:
            self.fields["evidence_date"].required = True
            self.fields["evidence_date"].help_text = "For example, when it was agreed or held"
        if not requirement.evidence.pack:
            del self.fields["pack_version"]
            del self.fields["pack_date"]
        self.fields["evidence_date"].error_messages["required"] = "Enter the date of the evidence"
        self.fields["evidence_date"].error_messages["invalid"] = "Enter a real date"
        for name in ("pack_version", "pack_date"):
            if name in self.fields:
                label = str(self.fields[name].label).lower()
                self.fields[name].error_messages["required"] = f"Enter the {label}"
        if "pack_date" in self.fields:
            self.fields["pack_date"].error_messages["invalid"] = "Enter a real date"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.file_kind = check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        for name in ("evidence_date", "pack_date"):
            value = data.get(name)
            if value and value > self.today:
                self.add_error(name, "The date must be today or in the past")
        given = data.get("attestation", "").strip() or data.get("links") or data.get("file")
        if not given and not self.errors.get("file"):
            self.add_error(None, "Give an attestation, a link or a file")
        return data


class VerifyForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea, label="Note for the team")


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is the evidence rejected?",
        help_text="The delivery team will see this",
        error_messages={"required": "Enter why the evidence is rejected"},
    )


class WaiverForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is the requirement waived?",
        error_messages={"required": "Enter why the requirement is waived"},
    )
    expires_on = DayMonthYearField(
        required=False,
        label="Waived until",
        help_text="Leave empty for a waiver without an end date",
        error_messages={"invalid": "Enter a real date"},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_expires_on(self):
        value = self.cleaned_data.get("expires_on")
        if value and value <= self.today:
            raise forms.ValidationError("The end of the waiver must be in the future")
        return value


class CampaignForm(forms.Form):
    """A campaign to start: the requirement, its scope and the date it must be met by."""

    title = forms.CharField(
        max_length=200, label="Title", error_messages={"required": "Enter a title for the campaign"}
    )
    requirement_id = forms.ChoiceField(
        label="Requirement", error_messages={"required": "Choose the requirement"}
    )
    target_date = DayMonthYearField(
        label="Target date",
        help_text="Every service in scope should meet the requirement by then",
        error_messages={"required": "Enter the target date", "invalid": "Enter a real date"},
    )
    groups = forms.MultipleChoiceField(
        required=False,
        label="Delivery groups",
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every delivery group (administrators only)",
    )
    phases = forms.MultipleChoiceField(
        required=False,
        label="Phases",
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every phase",
    )
    critical_only = forms.BooleanField(required=False, label="Critical services only")
    reason = forms.CharField(
        required=False, widget=forms.Textarea, label="Why", help_text="The teams will see this"
    )

    def __init__(self, *args, requirements, groups, phases, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["requirement_id"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a requirement"),
            *requirements,
        ]
        self.fields["groups"].choices = list(groups)  # type: ignore[attr-defined]
        self.fields["phases"].choices = list(phases)  # type: ignore[attr-defined]

    def clean_target_date(self):
        value = self.cleaned_data.get("target_date")
        if value and value <= self.today:
            raise forms.ValidationError("The target date must be in the future")
        return value


class CloseCampaignForm(forms.Form):
    note = forms.CharField(
        required=False, widget=forms.Textarea, label="Closing note", help_text="Kept in the report"
    )


class PhasePlanForm(forms.Form):
    """The day the team plans to enter the service's next phase."""

    planned_on = DayMonthYearField(
        label="Planned date",
        error_messages={"required": "Enter the planned date", "invalid": "Enter a real date"},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_planned_on(self):
        value = self.cleaned_data.get("planned_on")
        if value and value < self.today:
            raise forms.ValidationError("The planned date must be today or in the future")
        return value
