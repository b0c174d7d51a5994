"""Permission before validation: a role that may not write is told 403, whatever it sends.

A malformed body, or one with fields the operation does not know, must not
teach a viewer the schema (a 422 listing the fields) nor change anything.
Every write of both authorisation matrices is tried.
"""

from __future__ import annotations

import pytest

from ..catalogue import test_permissions as catalogue
from ..conftest import ApiClient
from . import matrix_setup
from .test_authorisation_matrix import TABLE

pytestmark = pytest.mark.django_db

# A body no write accepts, and one that is not JSON at all.
INVALID_BODIES = {
    "unknown-fields": b'{"phase": "live", "not_a_field": [1, 2, 3]}',
    "not-json": b'{"name": ',
}

WRITES = sorted(
    {endpoint for (endpoint, _scope), allowed in TABLE.items() if "viewer" not in allowed}
)
CATALOGUE_WRITES = sorted({(kind, action) for kind, action, _scope in catalogue.TABLE})


def send_invalid(client: ApiClient, method: str, path: str, body: bytes):
    call = getattr(client.client, method)
    return call(path, data=body, content_type="application/json", headers=client.headers)


def assert_refused_without_a_hint(response):
    assert response.status_code == 403, response.content
    answer = response.json()
    assert answer["detail"]
    assert "errors" not in answer  # no field names, nothing of the schema


@pytest.mark.parametrize("body", INVALID_BODIES.values(), ids=INVALID_BODIES.keys())
@pytest.mark.parametrize("endpoint", WRITES)
def test_a_viewer_sending_an_invalid_body_is_refused_403(users, endpoint, body):
    estate = matrix_setup.prepare(users)
    scope = "-" if (endpoint, "-") in TABLE else "own"
    write = matrix_setup.write_for(endpoint, scope, estate)
    response = send_invalid(ApiClient(users.viewer), write.method, write.path, body)
    assert_refused_without_a_hint(response)
    assert not write.happened()


@pytest.mark.parametrize("body", INVALID_BODIES.values(), ids=INVALID_BODIES.keys())
@pytest.mark.parametrize("kind, action", CATALOGUE_WRITES)
def test_a_viewer_sending_an_invalid_catalogue_body_is_refused_403(users, kind, action, body):
    write = catalogue.write_for(kind, action, "own", users, "viewer")
    response = send_invalid(ApiClient(users.viewer), write.method, write.path, body)
    assert_refused_without_a_hint(response)
    assert not write.happened()


def test_an_allowed_role_is_still_told_what_is_wrong(api, users):
    client = api("delivery")
    response = client.post("/api/v1/services", {"name": "Flood", "phase": "live"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) >= {"phase", "slug", "delivery_group"}


def test_nothing_a_refused_body_reached_is_kept(api, users):
    # The delivery member may add services in general, so the view reads the body; the
    # invalid body is refused and the attempt leaves nothing behind.
    from osr.catalogue.models import Service

    response = api("delivery").post(
        "/api/v1/services",
        {"name": "Flood", "slug": "flood", "delivery_group": users.own.slug, "phase": "live"},
    )
    assert response.status_code == 422
    assert not Service.objects.filter(slug="flood").exists()
