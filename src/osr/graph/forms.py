"""The dependency map's focus form and the upload form of the catalogue import pages."""

from django import forms

from . import services

MAX_FILE_BYTES = 2 * 1024 * 1024

IMPORT_KINDS = [
    ("backstage", "Backstage catalog descriptor files (catalog-info.yaml)"),
    ("csv", "Catalogue spreadsheet (CSV)"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=IMPORT_KINDS, error_messages={"required": "Select what you are importing"}
    )
    uploads = MultipleFileField(
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
        }
    )
    strict = forms.BooleanField(required=False)  # Backstage: refuse what OSR does not keep

    def clean(self):
        data = super().clean()
        files = data.get("uploads") or []
        if data.get("kind") == "csv" and len(files) > 1:
            self.add_error("uploads", "Select one spreadsheet at a time")
        texts = []
        for upload in files:
            if upload.size > MAX_FILE_BYTES:
                self.add_error("uploads", f"{upload.name} must be smaller than 2MB")
                continue
            try:
                texts.append((upload.name, upload.read().decode("utf-8-sig")))
            except UnicodeDecodeError:
                self.add_error("uploads", f"{upload.name} must be a text file in UTF-8")
        data["texts"] = texts
        return data


class MapFocusForm(forms.Form):
    """The service the dependency map centres on: typed by name, or given by slug in a link."""

    service = forms.CharField(required=False, max_length=200)

    def clean_service(self):
        typed = self.cleaned_data["service"]
        if not typed:
            return None
        service = services.service_called(typed)
        if service is None:
            raise forms.ValidationError(
                f"No service is called ‘{typed}’. Enter the name of a service in the catalogue",
                code="unknown",
            )
        return service
