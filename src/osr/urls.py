from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from .api import api
from .core.metrics import metrics


def checks_its_own_callers(urls):
    """Exempt every view of an included URL set from ``LoginRequiredMiddleware``.

    For the API, which answers 401 JSON to a missing or wrong bearer token rather
    than sending a browser to sign in, and for the admin site, whose own guard
    sends a visitor to its sign-in page.
    """
    patterns = urls[0] if isinstance(urls, tuple) else urls
    for entry in patterns:
        if isinstance(entry, URLResolver):
            checks_its_own_callers(entry.url_patterns)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "login_required", True):
            login_not_required(entry.callback)
    return urls


urlpatterns = [
    path("metrics", metrics, name="metrics"),
    # Before the pages: the resolver tries patterns in order, and the pages' own
    # (included without a prefix) would each be tried and refused for every API call.
    path("api/v1/", checks_its_own_callers(api.urls)),
    path("", include("osr.core.urls")),
    path("", include("osr.catalogue.urls")),
    path("", include("osr.readiness.urls")),
    path("", include("osr.graph.urls")),
    path("", include("osr.reviews.urls")),
    path("", include("osr.myit.urls")),
    path("", include("osr.guides.urls")),
    path("", include("osr.devtools.urls")),
    path("admin/", checks_its_own_callers(admin.site.urls)),
]

handler400 = "osr.core.errors.bad_request"
handler403 = "osr.core.errors.permission_denied"
handler404 = "osr.core.errors.page_not_found"
handler500 = "osr.core.errors.server_error"
