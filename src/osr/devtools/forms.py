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


class ChangeForm(forms.Form):
    """A change raised by hand: what is about to be deployed."""

    summary = forms.CharField(max_length=300, help_text="What is being deployed, in a line")
    description = forms.CharField(widget=forms.Textarea, required=False)
    link_url = forms.URLField(
        label="Link", max_length=1000, required=False, help_text="The release or pipeline run"
    )
    environment = forms.CharField(
        max_length=200, required=False, help_text="For example production"
    )


class ChangeModelForm(forms.ModelForm):
    class Meta:
        model = ChangeModel
        fields = ["route", "standard_template_sys_id", "standard_even_if_critical"]
        labels = {"route": "How changes from developer tooling are raised"}

    def clean_standard_template_sys_id(self) -> str:
        return self.cleaned_data["standard_template_sys_id"].strip().lower()
