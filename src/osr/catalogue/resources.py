"""The catalogue's resources: what the generic pages and API serve for each model."""

import datetime as dt

from django.db.models import Prefetch

from osr.core.resources import Resource

from . import filters, forms, models


def _services():
    return models.Service.objects.select_related(
        "delivery_group",
        "delivery_team",
        "service_owner",
        "product_manager",
        "data_owner",
    )


def _slug(obj):
    return obj.slug if obj is not None else None


SERVICES = Resource(
    path="services",
    model=models.Service,
    form=forms.ServiceForm,
    filterset=filters.ServiceFilterSet,
    queryset=_services,
    owner_field="delivery_group",
    extra_out={
        "phase": (str, lambda s: s.phase),
        "phase_since": (dt.date, lambda s: s.phase_since),
        "url": (str, lambda s: s.get_absolute_url()),
    },
)

COMPONENTS = Resource(
    path="components",
    model=models.Component,
    form=forms.ComponentForm,
    filterset=filters.ComponentFilterSet,
    queryset=lambda: models.Component.objects.select_related(
        "service", "service__delivery_group", "supplier"
    ),
    lookup="pk",
    owner_field="service",
)

SUPPLIERS = Resource(
    path="suppliers",
    model=models.Supplier,
    form=forms.SupplierForm,
    filterset=filters.SupplierFilterSet,
    queryset=lambda: models.Supplier.objects.all(),
)

CONTRACTS = Resource(
    path="contracts",
    model=models.Contract,
    form=forms.ContractForm,
    filterset=filters.ContractFilterSet,
    queryset=lambda: models.Contract.objects.select_related("supplier").prefetch_related(
        Prefetch("components", queryset=models.Component.objects.select_related("service"))
    ),
    lookup="pk",
)

EXTERNAL_SYSTEMS = Resource(
    path="external-systems",
    model=models.ExternalSystem,
    form=forms.ExternalSystemForm,
    filterset=filters.ExternalSystemFilterSet,
    queryset=lambda: models.ExternalSystem.objects.all(),
)

DEPENDENCIES = Resource(
    path="dependencies",
    model=models.Dependency,
    form=forms.DependencyForm,
    filterset=filters.DependencyFilterSet,
    queryset=lambda: models.Dependency.objects.select_related(
        "from_service", "from_service__delivery_group", "to_service", "to_external"
    ),
    lookup="pk",
    owner_field="from_service",
)

DELIVERY_GROUPS = Resource(
    path="delivery-groups",
    model=models.DeliveryGroup,
    form=forms.DeliveryGroupForm,
    filterset=filters.DeliveryGroupFilterSet,
    queryset=lambda: models.DeliveryGroup.objects.select_related(
        "osr_manager", "live_services_manager"
    ).prefetch_related("members"),
    extra_out={"gaps": (list[str], lambda g: g.gaps)},
)

TEAMS = Resource(
    path="teams",
    model=models.Team,
    form=forms.TeamForm,
    filterset=filters.TeamFilterSet,
    queryset=lambda: models.Team.objects.select_related("delivery_group").prefetch_related(
        "members"
    ),
    owner_field="delivery_group",
)

PEOPLE = Resource(
    path="people",
    model=models.Person,
    form=forms.PersonForm,
    filterset=filters.PersonFilterSet,
    queryset=lambda: models.Person.objects.select_related("user"),
    lookup="pk",
    extra_out={"username": (str | None, lambda p: p.user.username if p.user_id else None)},
)

ALL = [
    SERVICES,
    COMPONENTS,
    SUPPLIERS,
    CONTRACTS,
    EXTERNAL_SYSTEMS,
    DEPENDENCIES,
    DELIVERY_GROUPS,
    TEAMS,
    PEOPLE,
]
