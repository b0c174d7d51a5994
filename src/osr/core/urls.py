from django.urls import path

from . import health, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sign-in", views.SignInView.as_view(), name="sign_in"),
    path("sign-out", views.SignOutView.as_view(), name="sign_out"),
    path("audit", views.audit, name="audit"),
    path("audit/<str:app_label>/<str:model>/<str:pk>", views.object_audit, name="object_audit"),
]
