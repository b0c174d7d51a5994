"""Forms for linking code hosts and setting the change model; the API validates with them too."""

from django import forms

from .choices import Host
from .models import ChangeModel


class IntegrationForm(forms.Form):
    host = forms.ChoiceField(label="Code host", choices=Host.choices)
    name = forms.CharField(
        max_length=200, help_text="For example the repository or pipeline that deploys"
    )
    component: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="The component its deployments change; leave empty for the whole service",
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = service.components.order_by("name")


class ChangeModelForm(forms.ModelForm):
    class Meta:
        model = ChangeModel
        fields = ["route", "standard_template_sys_id"]
        labels = {"route": "How changes from developer tooling are raised"}

    def clean_standard_template_sys_id(self) -> str:
        return self.cleaned_data["standard_template_sys_id"].strip().lower()
