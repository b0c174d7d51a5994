from django.urls import path

from . import views

app_name = "guides"

GUIDE = "services/<slug:slug>/operations-guide"

urlpatterns = [
    path(GUIDE, views.guide_page, name="guide"),
    path(f"{GUIDE}/download", views.download, name="download"),
    path(f"{GUIDE}/compare", views.compare_page, name="compare"),
    path(f"{GUIDE}/versions", views.generate, name="generate"),
    path(f"{GUIDE}/versions/<int:number>", views.version_page, name="version"),
    path(f"{GUIDE}/versions/<int:number>/approve", views.approve, name="approve"),
    path("services/<slug:slug>/operations-profile", views.profile_page, name="profile"),
    path(
        "services/<slug:slug>/operations-profile/<slug:part>",
        views.profile_part,
        name="profile_part",
    ),
    path("operations-guides/exports", views.exports_page, name="exports"),
    path("operations-guides/exports/<int:pk>", views.export_page, name="export"),
    path(
        "operations-guides/exports/<int:pk>/download",
        views.export_download,
        name="export_download",
    ),
]
