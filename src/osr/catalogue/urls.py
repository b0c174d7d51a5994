from django.urls import path

from . import resources, views

app_name = "catalogue"


def crud(
    segment: str,
    prefix: str,
    list_view,
    detail_view,
    edit_view,
    delete_view,
    *,
    key="slug:key",
    list_name="",
):
    return [
        path(f"{segment}", list_view.as_view(), name=list_name or f"{prefix}s"),
        path(f"{segment}/add", edit_view.as_view(), name=f"{prefix}_add"),
        path(f"{segment}/<{key}>", detail_view.as_view(), name=prefix),
        path(f"{segment}/<{key}>/edit", edit_view.as_view(), name=f"{prefix}_edit"),
        path(f"{segment}/<{key}>/delete", delete_view.as_view(), name=f"{prefix}_delete"),
    ]


def generic(resource, prefix: str, list_name: str = ""):
    key = "slug:key" if resource.lookup == "slug" else "int:key"
    return crud(
        resource.path,
        prefix,
        *views.views_for(resource, prefix, list_name),
        key=key,
        list_name=list_name,
    )


group_list, _, group_edit, group_delete = views.views_for(
    resources.DELIVERY_GROUPS, "group", "groups"
)

urlpatterns = [
    *crud(
        "services",
        "service",
        views.ServiceList,
        views.ServiceDetail,
        views.ServiceEdit,
        views.ServiceDelete,
    ),
    path("services/<slug:key>/phase", views.ServicePhase.as_view(), name="service_phase"),
    *crud(
        "delivery-groups",
        "group",
        group_list,
        views.GroupDetail,
        group_edit,
        group_delete,
        list_name="groups",
    ),
    *generic(resources.COMPONENTS, "component"),
    *generic(resources.SUPPLIERS, "supplier"),
    *generic(resources.CONTRACTS, "contract"),
    *generic(resources.EXTERNAL_SYSTEMS, "external_system"),
    *generic(resources.DEPENDENCIES, "dependency", "dependencies"),
    *generic(resources.TEAMS, "team"),
    *generic(resources.PEOPLE, "person", "people"),
]
