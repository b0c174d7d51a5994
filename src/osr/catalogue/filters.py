"""One filter set per list, serving the page and the API alike."""

import django_filters as filters
from django.db.models import Case, F, IntegerField, Q, Value, When

from osr.core.filtersets import FilterSet
from osr.core.paging import count_with_its_page

from . import models
from .choices import PHASE_ORDER, ComponentKind, DependencyKind, Hosting, Phase, TeamKind
from .search_index import search_services


class SortFilter(filters.OrderingFilter):
    """``?sort=key`` or ``?sort=-key``: one order for the page and the API alike.

    ``fields`` maps a model field (or a key of ``expressions``) to the name people
    use in the address. The model's own ordering follows as a tie-break, so rows
    that sort equal keep one order and no row moves between pages.
    """

    def __init__(self, *args, expressions=None, **kwargs):
        # An expression sorts by meaning rather than by spelling (phases in their order).
        self.expressions = expressions or {}
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            key = self.param_map[param.lstrip("-")]
            expression = self.expressions.get(key, F(key))
            # NULLs placed the same way on PostgreSQL and SQLite.
            if param.startswith("-"):
                ordering.append(expression.desc(nulls_last=True))
            else:
                ordering.append(expression.asc(nulls_first=True))
        return qs.order_by(*ordering, *qs.model._meta.ordering)


# Phases sort in the order a service moves through them, not alphabetically.
PHASE_RANK = Case(
    *(When(phase=phase, then=Value(rank)) for rank, phase in enumerate(PHASE_ORDER)),
    output_field=IntegerField(),
)


class SearchFilterSet(FilterSet):
    """A filter set with free-text search over some fields (``?q=``)."""

    search_fields: tuple[str, ...] = ("name",)
    q = filters.CharFilter(method="search", label="Search")

    @property
    def default_sort(self) -> str:
        """The ``sort`` key of the order the list has when none is asked for, or ""."""
        sort = self.filters.get("sort")
        ordering = self._meta.model._meta.ordering
        if not isinstance(sort, SortFilter) or not ordering:
            return ""
        return next((p for p, f in sort.param_map.items() if f == ordering[0]), "")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return count_with_its_page(queryset.filter(condition))


def sort_by(*fields: tuple[str, str], **expressions) -> SortFilter:
    return SortFilter(fields=fields, expressions=expressions, label="Sort by")


class ServiceFilterSet(SearchFilterSet):
    search_fields = ("name", "slug", "description")
    # A service has one phase: no row can match twice, so no DISTINCT (which would also
    # need its ORDER BY expressions, the phase's rank among them, repeated in its SELECT).
    phase = filters.MultipleChoiceFilter(choices=Phase.choices, distinct=False)
    delivery_group = filters.ModelChoiceFilter(
        queryset=models.DeliveryGroup.objects.all(), to_field_name="slug"
    )
    critical = filters.BooleanFilter()
    uses_live_data = filters.BooleanFilter(label="Uses live data")
    sort = sort_by(
        ("name", "name"),
        ("phase_rank", "phase"),
        ("delivery_group__name", "delivery_group"),
        ("updated", "updated"),
        phase_rank=PHASE_RANK,
    )

    class Meta:
        model = models.Service
        fields = ["q", "phase", "delivery_group", "critical", "uses_live_data", "sort"]

    def search(self, queryset, name, value):
        indexed = search_services(queryset, value.strip())
        if indexed is None:
            return super().search(queryset, name, value)
        # The trigram indexes find the matches but cannot order them: read them once.
        return count_with_its_page(indexed)


class ComponentFilterSet(SearchFilterSet):
    search_fields = ("name", "support_group", "service__slug")
    service = filters.CharFilter(field_name="service__slug")
    supplier = filters.CharFilter(field_name="supplier__slug")
    kind = filters.ChoiceFilter(choices=ComponentKind.choices)
    hosting = filters.ChoiceFilter(choices=Hosting.choices)
    sort = sort_by(("name", "name"), ("updated", "updated"))

    class Meta:
        model = models.Component
        fields = ["q", "service", "supplier", "kind", "hosting", "sort"]


class SupplierFilterSet(SearchFilterSet):
    search_fields = ("name", "slug")
    sort = sort_by(("name", "name"), ("updated", "updated"))

    class Meta:
        model = models.Supplier
        fields = ["q", "sort"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("reference", "supplier__name")
    supplier = filters.CharFilter(field_name="supplier__slug")
    sort = sort_by(("reference", "reference"), ("updated", "updated"))

    class Meta:
        model = models.Contract
        fields = ["q", "supplier", "sort"]


class ExternalSystemFilterSet(SearchFilterSet):
    search_fields = ("name", "slug", "description")
    sort = sort_by(("name", "name"), ("updated", "updated"))

    class Meta:
        model = models.ExternalSystem
        fields = ["q", "sort"]


class DependencyFilterSet(SearchFilterSet):
    search_fields = (
        "from_service__name",
        "from_service__slug",
        "to_service__name",
        "to_service__slug",
        "to_external__name",
        "to_external__slug",
    )
    from_service = filters.CharFilter(field_name="from_service__slug")
    to_service = filters.CharFilter(field_name="to_service__slug")
    to_external = filters.CharFilter(field_name="to_external__slug")
    kind = filters.ChoiceFilter(choices=DependencyKind.choices)
    carries_live_data = filters.BooleanFilter()
    # A dependency is named by the service that depends.
    sort = sort_by(("from_service__name", "from_service"), ("updated", "updated"))

    class Meta:
        model = models.Dependency
        fields = [
            "q",
            "from_service",
            "to_service",
            "to_external",
            "kind",
            "carries_live_data",
            "sort",
        ]


class DeliveryGroupFilterSet(SearchFilterSet):
    search_fields = ("name", "slug", "description")
    sort = sort_by(("name", "name"), ("updated", "updated"))

    class Meta:
        model = models.DeliveryGroup
        fields = ["q", "sort"]


class TeamFilterSet(SearchFilterSet):
    search_fields = ("name", "slug")
    delivery_group = filters.ModelChoiceFilter(
        queryset=models.DeliveryGroup.objects.all(), to_field_name="slug"
    )
    kind = filters.ChoiceFilter(choices=TeamKind.choices)
    sort = sort_by(("name", "name"), ("updated", "updated"))

    class Meta:
        model = models.Team
        fields = ["q", "delivery_group", "kind", "sort"]


class PersonFilterSet(SearchFilterSet):
    search_fields = ("name", "email", "role_title")
    sort = sort_by(("name", "name"), ("updated", "updated"))

    class Meta:
        model = models.Person
        fields = ["q", "sort"]
