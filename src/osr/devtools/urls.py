from django.urls import path

from . import hooks, views

app_name = "devtools"

urlpatterns = [
    path("hooks/<str:host>/<uuid:public_id>", hooks.receive, name="hook"),
    path("changes", views.changes, name="changes"),
    path("services/<slug:slug>/integrations", views.integrations, name="integrations"),
    path("services/<slug:slug>/integrations/add", views.integration_add, name="integration_add"),
    path(
        "services/<slug:slug>/integrations/<uuid:public_id>/delete",
        views.integration_delete,
        name="integration_delete",
    ),
    path(
        "services/<slug:slug>/integrations/<uuid:public_id>/secret",
        views.integration_secret,
        name="integration_secret",
    ),
    path("services/<slug:slug>/change-model", views.change_model, name="change_model"),
    path("services/<slug:slug>/changes/raise", views.change_raise, name="change_raise"),
    path("services/<slug:slug>/changes/<int:pk>/retry", views.change_retry, name="change_retry"),
]
