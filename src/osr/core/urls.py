from django.urls import path

from . import health, oidc, views
from .notifications import views as notifications
from .tokens import views as tokens

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sign-in", views.SignInView.as_view(), name="sign_in"),
    path("sign-out", views.SignOutView.as_view(), name="sign_out"),
    path("oidc/authenticate/", oidc.AuthenticateView.as_view(), name="oidc_authenticate"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    # Matched before the admin's own URLs: one sign-in page for the whole site.
    path("admin/login/", views.admin_sign_in, name="admin_sign_in"),
    path("audit", views.audit, name="audit"),
    path("account", tokens.account, name="account"),
    path("account/tokens", tokens.tokens, name="api_tokens"),
    path("account/tokens/new", tokens.new_token, name="new_api_token"),
    path("account/tokens/<int:pk>/revoke", tokens.revoke_token, name="revoke_api_token"),
    path("administration/api-tokens", tokens.all_tokens, name="all_api_tokens"),
    path(
        "account/notifications",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path("notifications/outbox", notifications.outbox, name="outbox"),
    path("audit/<str:app_label>/<str:model>/<str:pk>", views.object_audit, name="object_audit"),
]
