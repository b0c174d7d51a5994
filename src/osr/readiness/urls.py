from django.urls import path

from . import views

app_name = "readiness"

urlpatterns = [
    path("readiness", views.portfolio_page, name="portfolio"),
    path(
        "services/<slug:slug>/readiness/<str:requirement_id>",
        views.requirement_page,
        name="requirement",
    ),
    path(
        "services/<slug:slug>/readiness/<str:requirement_id>/evidence",
        views.submit_evidence,
        name="submit_evidence",
    ),
    path(
        "services/<slug:slug>/readiness/<str:requirement_id>/waive",
        views.waive_requirement,
        name="waive",
    ),
    path("evidence/<int:pk>/verify", views.verify_evidence, name="verify"),
    path("evidence/<int:pk>/reject", views.reject_evidence, name="reject"),
    path("evidence/<int:pk>/file", views.evidence_file, name="evidence_file"),
]
