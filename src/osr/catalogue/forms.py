"""Validation of every catalogue write, shared by the pages, the API and the CLI.

A reference to another object is given by its slug, or by its id where it has
none, so the same form validates a posted page and a JSON body alike.
"""

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone

from osr.core.api_contract import WEB_ADDRESS, described
from osr.core.forms import DayMonthYearField, ReferencesCheckedOnce

from . import models
from .choices import Phase
from .contacts import CONTACT_FIELDS

# Made once: a validator keeps nothing between the values it checks.
WEB_ADDRESS_CHECK = URLValidator(schemes=["http", "https"])


class URLListField(forms.Field):
    """Several URLs: one a line on a page, a list in the API."""

    widget = forms.Textarea
    api_type = list[str]
    # Each one as URLValidator takes it, and no longer than it allows.
    api_input_type = list[described(str, pattern=WEB_ADDRESS, maxLength=2048)]  # type: ignore[misc,valid-type]

    def to_python(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list | tuple):
            raise forms.ValidationError("Enter a list of web addresses")
        return [str(item).strip() for item in value if str(item).strip()]

    def validate(self, value):
        super().validate(value)
        for item in value:
            try:
                WEB_ADDRESS_CHECK(item)
            except forms.ValidationError as error:
                raise forms.ValidationError(f"‘{item}’ is not a web address") from error

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


def by_slug(queryset, **kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=queryset, to_field_name="slug", **kwargs)


def person_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=models.Person.objects.all(), required=False, **kwargs)


def referenced_by_slug(field: forms.Field) -> bool:
    """A drop-down of one object whose options are slugs rather than ids."""
    return (
        isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, forms.ModelMultipleChoiceField)
        and bool(field.to_field_name)
    )


def groups_permitting(user, perm: str) -> list[int] | None:
    """The delivery groups in which ``user`` has ``perm``, or None where that is all of them.

    Asked of the rule group by group: the ``add_*`` rules take the delivery group
    the new thing belongs to, so a drop-down offers exactly what the pages and the
    API then allow.
    """
    groups = list(models.DeliveryGroup.objects.all())
    permitted = [group.pk for group in groups if user.has_perm(perm, group)]
    return None if len(permitted) == len(groups) else permitted


def _group_lookup(model) -> str:
    # An option is a delivery group itself, or something belonging to one.
    return "pk" if model is models.DeliveryGroup else "delivery_group"


class CatalogueForm(ReferencesCheckedOnce):
    """A model form whose required-field message names the field.

    Given the ``user`` filling it in (the pages give it; the API, which shows no
    drop-down, does not), each field of ``chosen_by_rule`` offers only the
    options in delivery groups where the user has that permission.
    """

    chosen_by_rule: dict[str, str] = {}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            label = field.label or name.replace("_", " ").capitalize()
            field.error_messages["required"] = f"Enter {label.lower()}"
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                field.error_messages["required"] = f"Select {label.lower()}"
                field.error_messages["invalid_choice"] = f"Select a valid {label.lower()}"
            if (
                self.instance.pk
                and referenced_by_slug(field)
                and name not in (kwargs.get("initial") or {})
            ):
                # A model form starts from the related object's id, which matches no
                # option of a drop-down keyed by slug: start from the object itself.
                self.initial[name] = getattr(self.instance, name, None)
        if user is not None:
            for name, perm in self.chosen_by_rule.items():
                self.offer_only(name, groups_permitting(user, perm))
        # Every drop-down here offers the object's current choice (narrowed ones keep it).
        self.know_current_choices()

    def offer_only(self, name: str, group_ids: list[int] | None) -> None:
        """Narrow a drop-down to the options in these groups.

        The object's current choice stays offered, so an unchanged save works; so
        does the one posted, so that a refusal is answered as one (403, saying why)
        rather than as an unknown option, with what the person chose still shown.
        """
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        queryset = field.queryset
        if group_ids is None or queryset is None:
            return  # every group: nothing to narrow
        offered = Q(**{f"{_group_lookup(queryset.model)}__in": group_ids})
        current = getattr(self.instance, f"{name}_id", None)
        if current is not None:
            offered |= Q(pk=current)
        posted = self.posted(name)
        if posted:
            offered |= Q(**{field.to_field_name or "pk": posted})
        field.queryset = queryset.filter(offered)

    def posted(self, name: str) -> str:
        """The value a bound form was given for a field, as text ("" if none)."""
        if not self.is_bound:
            return ""
        value = self.data.get(self.add_prefix(name))
        return value if isinstance(value, str) else ""


class TeamChoiceField(forms.ModelChoiceField):
    """A drop-down of teams, each named with its delivery group once ``named_with_group``."""

    named_with_group = False

    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.delivery_group})" if self.named_with_group else str(obj)


class ServiceForm(CatalogueForm):
    delivery_group = by_slug(models.DeliveryGroup.objects.all())
    delivery_team = TeamChoiceField(
        queryset=models.Team.objects.all(), to_field_name="slug", required=False
    )
    service_owner = person_field()
    product_manager = person_field()
    data_owner = person_field(label="Data owner (MyIT data contact)")
    repository_urls = URLListField(required=False, label="Repositories")
    dashboard_urls = URLListField(required=False, label="Dashboards")
    runbook_urls = URLListField(required=False, label="Runbooks")

    class Meta:
        model = models.Service
        fields = [
            "name",
            "slug",
            "description",
            "delivery_group",
            "delivery_team",
            "critical",
            "critical_reason",
            "uses_live_data",
            "live_data_since",
            "live_data_sources",
            "service_owner",
            "product_manager",
            "support_contact_email",
            "data_owner",
            "support_hours",
            "user_needs_summary",
            "technical_solution_summary",
            "repository_urls",
            "dashboard_urls",
            "runbook_urls",
            "myit_record_url",
        ]
        labels = {
            "myit_record_url": "MyIT record",
            "support_contact_email": "Support contact email",
        }
        field_classes = {"live_data_since": DayMonthYearField}
        help_texts = {
            "slug": "Used in web addresses and by other systems, for example waste-tracking. "
            "It cannot be changed later.",
            "critical_reason": "Needed if the service is critical",
        }

    chosen_by_rule = {"delivery_group": "catalogue.add_service"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A slug is how other systems refer to the service: it never changes.
            self.fields["slug"].disabled = True
        if self.user is not None:
            self.offer_teams()

    def offer_teams(self) -> None:
        """Offer the teams of the service's group, or, while it is not known, every
        team of the groups offered, each named with its group.

        Without JavaScript the list cannot follow the group chosen on the same
        page, so a team's group must be readable from its option. A team of
        another group is still refused by ``clean`` with a message saying so.
        """
        field = self.fields["delivery_team"]
        assert isinstance(field, TeamChoiceField)
        teams = models.Team.objects.select_related("delivery_group")
        group = self.known_group()
        if group is not None:
            offered = Q(delivery_group=group)
        else:
            groups = self.fields["delivery_group"]
            assert isinstance(groups, forms.ModelChoiceField) and groups.queryset is not None
            offered = Q(delivery_group__in=groups.queryset)
            field.named_with_group = True
        if self.instance.delivery_team_id is not None:
            offered |= Q(pk=self.instance.delivery_team_id)
        if self.posted("delivery_team"):
            offered |= Q(slug=self.posted("delivery_team"))
        field.queryset = teams.filter(offered)

    def known_group(self) -> models.DeliveryGroup | None:
        """The delivery group the form is about: posted, asked for, or the service's own."""
        if self.is_bound:
            slug = self.posted("delivery_group")
        else:
            chosen = self.initial.get("delivery_group")
            if isinstance(chosen, models.DeliveryGroup):
                return chosen
            slug = chosen if isinstance(chosen, str) else ""
        if not slug:
            return self.instance.delivery_group if self.instance.delivery_group_id else None
        return models.DeliveryGroup.objects.filter(slug=slug).first()

    def clean(self):
        data = super().clean()
        if data.get("critical") and not data.get("critical_reason", "").strip():
            self.add_error("critical_reason", "Enter why the service is critical")
        team = data.get("delivery_team")
        group = data.get("delivery_group")
        if team and group and team.delivery_group_id != group.pk:
            self.add_error("delivery_team", "Select a team in the service’s delivery group")
        if not data.get("uses_live_data"):
            data["live_data_since"] = None
        if set(CONTACT_FIELDS) & set(self.changed_data):
            # Whoever sets a contact has just checked them: that is a confirmation.
            self.instance.contacts_confirmed_on = timezone.localdate()
        return data


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices, error_messages={"required": "Select a phase"})
    reason = forms.CharField(required=False, widget=forms.Textarea)


class ComponentForm(CatalogueForm):
    service = by_slug(models.Service.objects.all())
    supplier = by_slug(models.Supplier.objects.all(), required=False)

    chosen_by_rule = {"service": "catalogue.add_component"}

    class Meta:
        model = models.Component
        fields = [
            "service",
            "name",
            "kind",
            "hosting",
            "supplier",
            "support_group",
            "runbook_url",
            "monitoring_url",
        ]


class SupplierForm(CatalogueForm):
    class Meta:
        model = models.Supplier
        fields = ["name", "slug"]


class ContractForm(CatalogueForm):
    supplier = by_slug(models.Supplier.objects.all())
    components = forms.ModelMultipleChoiceField(
        queryset=models.Component.objects.select_related("service"), required=False
    )

    class Meta:
        model = models.Contract
        fields = ["supplier", "reference", "start_date", "end_date", "components"]
        field_classes = {"start_date": DayMonthYearField, "end_date": DayMonthYearField}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date")
        return data


class ExternalSystemForm(CatalogueForm):
    class Meta:
        model = models.ExternalSystem
        fields = ["name", "slug", "description", "url"]


class DependencyForm(CatalogueForm):
    from_service = by_slug(models.Service.objects.all(), label="Service")
    to_service = by_slug(
        models.Service.objects.all(),
        required=False,
        label="Depends on service",
        help_text="Select either a service or an external system, not both",
    )
    to_external = by_slug(
        models.ExternalSystem.objects.all(),
        required=False,
        label="Depends on external system",
        help_text="Select either an external system or a service, not both",
    )

    # A service may depend on any other; the "from" side is the one being edited.
    chosen_by_rule = {"from_service": "catalogue.add_dependency"}
    # clean() checks the model's two check constraints, and validate_unique() its two
    # unique ones, in the query that says which dependency is already recorded.
    checks_model_constraints = True

    class Meta:
        model = models.Dependency
        fields = [
            "from_service",
            "to_service",
            "to_external",
            "kind",
            "carries_live_data",
            "description",
        ]

    def clean(self):
        data = super().clean()
        source, service, external = (
            data.get("from_service"),
            data.get("to_service"),
            data.get("to_external"),
        )
        if "to_service" in self.errors or "to_external" in self.errors:
            return data  # a target that does not exist is reported on its own field
        if bool(service) == bool(external):
            self.add_error("to_service", "Select either a service or an external system")
            return data
        if source and service and source.pk == service.pk:
            self.add_error("to_service", "A service cannot depend on itself")
        return data

    def validate_unique(self):
        super().validate_unique()
        data = self.cleaned_data
        if {"from_service", "to_service", "to_external"} & set(self.errors):
            return
        source, service, external = (
            data.get("from_service"),
            data.get("to_service"),
            data.get("to_external"),
        )
        target = Q(to_service=service) if service else Q(to_external=external)
        recorded = models.Dependency.objects.filter(target, from_service=source)
        if recorded.exclude(pk=self.instance.pk).exists():
            # On the target's field, which the page's error summary links to; code
            # "unique": the API answers 409, as for any other value already taken.
            self.add_error(
                "to_service" if service else "to_external",
                forms.ValidationError(
                    f"{source} already depends on {service or external}", code="unique"
                ),
            )


class DeliveryGroupForm(CatalogueForm):
    osr_manager = person_field(label="OSR manager")
    live_services_manager = person_field()
    members = forms.ModelMultipleChoiceField(queryset=models.Person.objects.all(), required=False)

    class Meta:
        model = models.DeliveryGroup
        fields = [
            "name",
            "slug",
            "description",
            "osr_manager",
            "live_services_manager",
            "members",
            "teams_webhook_url",
        ]

    def clean_teams_webhook_url(self) -> str:
        # The address carries the channel's credential: it travels over TLS only.
        address = (self.cleaned_data.get("teams_webhook_url") or "").strip()
        if address and not address.lower().startswith("https://"):
            raise forms.ValidationError("Enter the Teams channel webhook address starting https://")
        return address


class TeamForm(CatalogueForm):
    delivery_group = by_slug(models.DeliveryGroup.objects.all())
    members = forms.ModelMultipleChoiceField(queryset=models.Person.objects.all(), required=False)

    chosen_by_rule = {"delivery_group": "catalogue.add_team"}

    class Meta:
        model = models.Team
        fields = ["name", "slug", "kind", "delivery_group", "contact_email", "members"]


class PersonForm(CatalogueForm):
    class Meta:
        model = models.Person
        fields = ["name", "email", "phone", "out_of_hours", "role_title"]
