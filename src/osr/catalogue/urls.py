"""The catalogue's pages: the five generic pages of every resource, some specialised."""

from django.urls import path, register_converter
from django.views import View

from osr.core.generic_views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from osr.core.resources import Resource

from . import resources, views
from .panels import SectionConverter

register_converter(SectionConverter, "service_section")

app_name = "catalogue"

# Pages that show more than the generic ones, by resource.
SPECIAL: dict[Resource, dict[str, type[View]]] = {
    resources.SERVICES: {
        "list": views.ServiceList,
        "detail": views.ServiceDetail,
        "edit": views.ServiceEdit,
    },
    resources.DELIVERY_GROUPS: {"detail": views.GroupDetail},
}

GENERIC = {
    "list": (ObjectListView, {"template_name": "catalogue/object_list.html"}),
    "detail": (ObjectDetailView, {"template_name": "layouts/detail.html"}),
    "edit": (ObjectEditView, {}),
    "delete": (ObjectDeleteView, {}),
}


def pages_of(resource) -> list:
    """The list, add, detail, edit and delete pages of a resource, named as it says."""
    key = "slug:key" if resource.lookup == "slug" else "int:key"

    def view(kind: str):
        special = SPECIAL.get(resource, {}).get(kind)
        if special is not None:
            return special.as_view(resource=resource)
        generic, options = GENERIC[kind]
        return generic.as_view(resource=resource, **options)

    prefix, segment = resource.url_prefix, resource.path
    return [
        path(segment, view("list"), name=resource.list_name or f"{prefix}s"),
        path(f"{segment}/add", view("edit"), name=f"{prefix}_add"),
        path(f"{segment}/<{key}>", view("detail"), name=prefix),
        path(f"{segment}/<{key}>/edit", view("edit"), name=f"{prefix}_edit"),
        path(f"{segment}/<{key}>/delete", view("delete"), name=f"{prefix}_delete"),
    ]


urlpatterns = [
    path("services/<slug:key>/phase", views.ServicePhase.as_view(), name="service_phase"),
    path(
        "services/<slug:key>/contacts/confirm",
        views.ServiceContactsConfirm.as_view(),
        name="service_contacts_confirm",
    ),
    path(
        "services/<slug:key>/<service_section:section>",
        views.ServiceDetail.as_view(),
        name="service_section",
    ),
    *(page for resource in resources.ALL for page in pages_of(resource)),
]
