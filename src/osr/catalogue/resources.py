"""The catalogue's resources: each model declared once, with everything its generic
pages and API serve: addresses, list columns, summary, form, filters, schemas and writes.

Adding a model to the catalogue is its model, its form and filter set, and one
declaration here; ``urls.py`` and ``api.py`` serve every resource in ``ALL``.
"""

import datetime as dt
import re

from django.conf import settings
from django.db.models import Prefetch
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from osr.core.resources import Resource

from . import contacts, filters, forms, models, summaries
from .services import delete_object, save_form


def _updated(obj) -> str:
    return f"{timezone.localtime(obj.updated):%-d %b %Y}"


# The last column of every list: when each object last changed, sortable.
UPDATED = ("Updated", _updated, "updated")


def _services():
    return models.Service.objects.select_related(
        "delivery_group",
        "delivery_team",
        "service_owner",
        "product_manager",
        "data_owner",
    )


# What an answer does not show of a service (its row's times), and so need not read.
_NOT_ANSWERED = frozenset({"created", "updated"})


def _services_as_read():
    """Services as the API answers them: the fields of their own an answer shows, and of
    each related object only what names it: the slugs of its group and team; the people
    are named by their ids, which the service's own row holds."""
    own = [f.name for f in models.Service._meta.concrete_fields if f.name not in _NOT_ANSWERED]
    return models.Service.objects.select_related("delivery_group", "delivery_team").only(
        *own, "delivery_group__slug", "delivery_team__slug"
    )


# What the address converter of a slug accepts, and so reverse() leaves as it is.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_service_address_starts: dict[tuple, str] = {}


def _service_url(service: models.Service) -> str:
    """The service's page, as ``get_absolute_url`` gives it.

    A list shows the address of each of its services: the start of the address is
    reversed once, rather than for every row (reverse() is most of a row's cost).
    """
    if not _SLUG.fullmatch(service.slug):
        return service.get_absolute_url()  # quoted, or refused, as reverse() does
    key = (get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    start = _service_address_starts.get(key)
    if start is None:
        start = reverse("catalogue:service", args=["-"])[:-1]
        _service_address_starts[key] = start
    return start + service.slug


SERVICES = Resource(
    path="services",
    model=models.Service,
    form=forms.ServiceForm,
    filterset=filters.ServiceFilterSet,
    queryset=_services,
    read_queryset=_services_as_read,
    owner_field="delivery_group",
    extra_out={
        "phase": (str, lambda s: s.phase),
        "phase_since": (dt.date, lambda s: s.phase_since),
        "contacts_confirmed_on": (dt.date | None, lambda s: s.contacts_confirmed_on),
        "contacts_due_on": (dt.date | None, contacts.due_on),
        "url": (str, _service_url),
    },
    url_prefix="service",
    summary=summaries.service,
    save=save_form,
    delete=delete_object,
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
    url_prefix="component",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[
        ("Component", str, "name"),
        ("Kind", lambda c: c.get_kind_display()),
        ("Hosting", lambda c: c.get_hosting_display()),
        ("Supplier", lambda c: c.supplier or ""),
        UPDATED,
    ],
    summary=summaries.component,
    save=save_form,
    delete=delete_object,
)

SUPPLIERS = Resource(
    path="suppliers",
    model=models.Supplier,
    form=forms.SupplierForm,
    filterset=filters.SupplierFilterSet,
    queryset=lambda: models.Supplier.objects.all(),
    url_prefix="supplier",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[("Supplier", str, "name"), UPDATED],
    summary=summaries.supplier,
    save=save_form,
    delete=delete_object,
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
    url_prefix="contract",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[
        ("Reference", str, "reference"),
        ("Supplier", lambda c: c.supplier),
        ("Starts", lambda c: f"{c.start_date:%-d %b %Y}"),
        ("Ends", lambda c: f"{c.end_date:%-d %b %Y}"),
        UPDATED,
    ],
    summary=summaries.contract,
    save=save_form,
    delete=delete_object,
)

EXTERNAL_SYSTEMS = Resource(
    path="external-systems",
    model=models.ExternalSystem,
    form=forms.ExternalSystemForm,
    filterset=filters.ExternalSystemFilterSet,
    queryset=lambda: models.ExternalSystem.objects.all(),
    url_prefix="external_system",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[("System", str, "name"), ("Description", lambda e: e.description), UPDATED],
    summary=summaries.external_system,
    save=save_form,
    delete=delete_object,
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
    url_prefix="dependency",
    list_name="dependencies",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[
        ("Dependency", str, "from_service"),
        ("Kind", lambda d: d.get_kind_display()),
        ("Live data", lambda d: "Yes" if d.carries_live_data else "No"),
        UPDATED,
    ],
    summary=summaries.dependency,
    save=save_form,
    delete=delete_object,
)

DELIVERY_GROUPS = Resource(
    path="delivery-groups",
    model=models.DeliveryGroup,
    form=forms.DeliveryGroupForm,
    filterset=filters.DeliveryGroupFilterSet,
    queryset=lambda: models.DeliveryGroup.objects.select_related(
        "osr_manager", "live_services_manager"
    ).prefetch_related("members"),
    extra_out={
        "gaps": (list[str], lambda g: g.gaps),
        "teams_channel": (bool, lambda g: bool(g.teams_webhook_url)),
    },
    # The webhook address lets anyone post to the channel: it is written, never read back.
    write_only=("teams_webhook_url",),
    url_prefix="group",
    list_name="groups",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[
        ("Delivery group", str, "name"),
        ("OSR manager", lambda g: g.osr_manager or ""),
        ("Live services manager", lambda g: g.live_services_manager or ""),
        ("Gaps", lambda g: ", ".join(g.gaps) or "None"),
        UPDATED,
    ],
    summary=summaries.group,
    save=save_form,
    delete=delete_object,
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
    url_prefix="team",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[
        ("Team", str, "name"),
        ("Kind", lambda t: t.get_kind_display()),
        ("Delivery group", lambda t: t.delivery_group),
        UPDATED,
    ],
    summary=summaries.team,
    save=save_form,
    delete=delete_object,
)

PEOPLE = Resource(
    path="people",
    model=models.Person,
    form=forms.PersonForm,
    filterset=filters.PersonFilterSet,
    queryset=lambda: models.Person.objects.select_related("user"),
    lookup="pk",
    extra_out={"username": (str | None, lambda p: p.user.username if p.user_id else None)},
    url_prefix="person",
    list_name="people",
    # The list page's columns: (heading, value[, sort key]); the first links to the object.
    columns=[
        ("Name", str, "name"),
        ("Email", lambda p: p.email),
        ("Role", lambda p: p.role_title),
        UPDATED,
    ],
    summary=summaries.person,
    save=save_form,
    delete=delete_object,
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
