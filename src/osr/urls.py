from django.contrib import admin
from django.urls import include, path

from .api import api
from .core.metrics import metrics

urlpatterns = [
    path("metrics", metrics, name="metrics"),
    path("", include("osr.core.urls")),
    path("", include("osr.catalogue.urls")),
    path("", include("osr.readiness.urls")),
    path("", include("osr.graph.urls")),
    path("", include("osr.reviews.urls")),
    path("", include("osr.myit.urls")),
    path("", include("osr.guides.urls")),
    path("", include("osr.devtools.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "osr.core.errors.bad_request"
handler403 = "osr.core.errors.permission_denied"
handler404 = "osr.core.errors.page_not_found"
handler500 = "osr.core.errors.server_error"
