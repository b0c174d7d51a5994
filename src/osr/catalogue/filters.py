"""One filter set per list, serving the page and the API alike."""

import django_filters as filters
from django.db.models import Q

from . import models
from .choices import ComponentKind, DependencyKind, Hosting, Phase, TeamKind


class SearchFilterSet(filters.FilterSet):
    """A filter set with free-text search over some fields (``?q=``)."""

    search_fields: tuple[str, ...] = ("name",)
    q = filters.CharFilter(method="search", label="Search")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class ServiceFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    phase = filters.MultipleChoiceFilter(choices=Phase.choices)
    delivery_group = filters.ModelChoiceFilter(
        queryset=models.DeliveryGroup.objects.all(), to_field_name="slug"
    )
    critical = filters.BooleanFilter()
    uses_live_data = filters.BooleanFilter(label="Uses live data")

    class Meta:
        model = models.Service
        fields = ["q", "phase", "delivery_group", "critical", "uses_live_data"]


class ComponentFilterSet(SearchFilterSet):
    search_fields = ("name", "support_group")
    service = filters.CharFilter(field_name="service__slug")
    supplier = filters.CharFilter(field_name="supplier__slug")
    kind = filters.ChoiceFilter(choices=ComponentKind.choices)
    hosting = filters.ChoiceFilter(choices=Hosting.choices)

    class Meta:
        model = models.Component
        fields = ["q", "service", "supplier", "kind", "hosting"]


class SupplierFilterSet(SearchFilterSet):
    class Meta:
        model = models.Supplier
        fields = ["q"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("reference", "supplier__name")
    supplier = filters.CharFilter(field_name="supplier__slug")

    class Meta:
        model = models.Contract
        fields = ["q", "supplier"]


class ExternalSystemFilterSet(SearchFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = models.ExternalSystem
        fields = ["q"]


class DependencyFilterSet(SearchFilterSet):
    search_fields = ("from_service__name", "to_service__name", "to_external__name")
    from_service = filters.CharFilter(field_name="from_service__slug")
    to_service = filters.CharFilter(field_name="to_service__slug")
    to_external = filters.CharFilter(field_name="to_external__slug")
    kind = filters.ChoiceFilter(choices=DependencyKind.choices)
    carries_live_data = filters.BooleanFilter()

    class Meta:
        model = models.Dependency
        fields = ["q", "from_service", "to_service", "to_external", "kind", "carries_live_data"]


class DeliveryGroupFilterSet(SearchFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = models.DeliveryGroup
        fields = ["q"]


class TeamFilterSet(SearchFilterSet):
    delivery_group = filters.ModelChoiceFilter(
        queryset=models.DeliveryGroup.objects.all(), to_field_name="slug"
    )
    kind = filters.ChoiceFilter(choices=TeamKind.choices)

    class Meta:
        model = models.Team
        fields = ["q", "delivery_group", "kind"]


class PersonFilterSet(SearchFilterSet):
    search_fields = ("name", "email", "role_title")

    class Meta:
        model = models.Person
        fields = ["q"]
