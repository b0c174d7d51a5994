"""Error pages say what happened and give the request id to quote."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import override_settings
from django.urls import path

from osr import urls as project_urls

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a fault")


def failing_database(request):
    raise OperationalError("the database is down")


urlpatterns = [
    *project_urls.urlpatterns,
    path("broken", broken),
    path("database-down", failing_database),
]
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


def test_an_error_page_keeps_the_navigation_of_the_signed_in_person(page, users):
    body = page("viewer").get("/services/no-such-service").content.decode()
    assert "govuk-service-navigation__link" in body
    assert 'href="/services"' in body
    assert "Sign out" in body


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_renders_when_the_database_is_down(page, users, caplog):
    client = page("viewer")
    client.raise_request_exception = False
    # Every query fails, so the layout (which reads the user and their roles) cannot render.
    with mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("the database is down")
    ):
        response = client.get("/database-down", headers={"X-Request-ID": "ref-456"})
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "ref-456" in body
    assert "fell back to the standalone layout" in caplog.text
