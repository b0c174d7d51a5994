from django.urls import path

from . import views, views_campaigns, views_plans

app_name = "readiness"

urlpatterns = [
    path("readiness", views.portfolio_page, name="portfolio"),
    path("readiness/campaigns", views_campaigns.campaign_list, name="campaigns"),
    path("readiness/campaigns/new", views_campaigns.start_campaign, name="start_campaign"),
    path("readiness/campaigns/<int:pk>", views_campaigns.campaign_page, name="campaign"),
    path(
        "readiness/campaigns/<int:pk>/close", views_campaigns.close_campaign, name="close_campaign"
    ),
    path("readiness/policy/compare", views_plans.compare_policies, name="compare_policies"),
    path("services/<slug:slug>/readiness-plan", views_plans.plan_phase, name="plan_phase"),
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
