"""Error pages say what happened and give the request id to quote."""

import pytest
from django.test import override_settings
from django.urls import path

from osr import urls as project_urls

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a fault")


urlpatterns = [*project_urls.urlpatterns, path("broken", broken)]
handler500 = project_urls.handler500
handler404 = project_urls.handler404


def test_a_missing_page_is_explained(page, users):
    response = page("viewer").get("/services/no-such-service")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert response["X-Request-ID"] in body


def test_a_refused_page_is_explained(page, users):
    response = page("viewer").get("/services/add")
    assert response.status_code == 403
    assert "You do not have permission to do this" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_gives_the_reference_that_is_in_the_logs(page, users, caplog):
    client = page("viewer")
    client.raise_request_exception = False
    response = client.get("/broken", headers={"X-Request-ID": "ref-123"})
    assert response.status_code == 500
    assert "ref-123" in response.content.decode()
    assert any(getattr(r, "request_id", "") == "ref-123" for r in caplog.records)
