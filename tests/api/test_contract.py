"""The API's contract: every error is JSON of one shape, limits say themselves, unknown
fields are refused, ids are bounded, writes need a strong ETag, and the document
declares every status an operation answers."""

import pytest
from django.test import Client, override_settings

from osr.catalogue.models import Service

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert b"<html" not in response.content.lower()


def test_an_unknown_api_address_is_a_json_404(api):
    assert_json_error(api("viewer").get("/api/v1/no-such-thing"), 404)


def test_a_method_the_address_does_not_take_is_a_json_405(api):
    response = api("viewer")._call("put", "/api/v1/services", json={})
    assert_json_error(response, 405)
    assert "GET" in response["Allow"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_json_413_naming_the_limit(api):
    response = api("admin").post("/api/v1/services", {"name": "x" * 2000})
    assert_json_error(response, 413)
    assert "1000 bytes" in response.json()["detail"]


def test_a_host_osr_does_not_answer_to_is_a_json_400():
    response = Client(HTTP_HOST="evil.example").get("/api/v1/services")
    assert_json_error(response, 400)


def test_a_crash_is_a_json_500_without_a_traceback(api, monkeypatch):
    from osr.catalogue import api as catalogue_api

    def crash(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(catalogue_api, "confirm_contacts", crash)
    ServiceFactory(slug="flood")
    client = api("admin")
    client.client.raise_request_exception = False
    response = client.post("/api/v1/services/flood/contacts/confirm")
    assert_json_error(response, 500)
    assert b"secret internals" not in response.content and b"Traceback" not in response.content
    assert response.json()["request_id"]


def test_text_with_percent_signs_is_never_a_format_string(api, users):
    for url in ["example.com/a%20b", "https://example.com/a%(x)s", "%s%d%%"]:
        response = api("admin").post(
            "/api/v1/services",
            {
                "name": "A %s",
                "slug": "a",
                "delivery_group": users.own.slug,
                "repository_urls": [url],
            },
        )
        assert response.status_code in (201, 409, 422), response.content


def test_a_name_over_its_limit_says_the_limit(api, users):
    response = api("admin").post(
        "/api/v1/services", {"name": "x" * 256, "slug": "x", "delivery_group": users.own.slug}
    )
    assert response.status_code == 422
    assert "200" in response.json()["errors"]["name"][0]


def test_an_unknown_field_is_refused_naming_it(api, users):
    response = api("admin").post(
        "/api/v1/services",
        {"name": "Flood", "slug": "flood", "delivery_group": users.own.slug, "phase": "live"},
    )
    assert response.status_code == 422
    assert "phase" in response.json()["errors"]
    assert not Service.objects.filter(slug="flood").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/services/flood/rehearsals/99999999999999999999999/findings/1/action",
        "/api/v1/review-boards/99999999999999999999999/cancel",
        "/api/v1/evidence/99999999999999999999999/verify",
    ],
)
def test_an_id_past_64_bits_is_refused_not_a_crash(api, path):
    ServiceFactory(slug="flood")
    response = api("admin").post(path, {})
    assert response.status_code in (404, 422), response.content
    assert response.json()["detail"]


@pytest.mark.parametrize("if_match", ["*", 'W/"{etag}"'])
def test_a_write_needs_a_strong_etag_of_the_current_version(api, users, if_match):
    ServiceFactory(slug="flood", delivery_group=users.own)
    client = api("admin")
    etag = client.current_etag("/api/v1/services/flood")
    header = if_match.replace('"{etag}"', etag)
    response = client.patch("/api/v1/services/flood", {"name": "Renamed"}, if_match=header)
    assert response.status_code == 428
    assert "strong ETag" in response.json()["errors"]["If-Match"][0]
    assert client.patch("/api/v1/services/flood", {"name": "Renamed"}).status_code == 200


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def test_every_operation_declares_its_error_answers(document):
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            needed = {"401", "403", "404", "422"}
            if method in ("post", "put", "patch", "delete"):
                needed |= {"409"}
            if method in ("patch", "delete"):
                needed |= {"412", "428"}
            if "requestBody" in operation:
                needed |= {"400", "413"}
            if not needed <= set(operation["responses"]):
                missing.append(f"{method.upper()} {path}: {needed - set(operation['responses'])}")
    assert not missing
    invalid = document["paths"]["/api/v1/services"]["post"]["responses"]["422"]
    schema = invalid["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][schema]["properties"]) == {"detail", "errors"}


def test_every_body_refuses_unknown_fields(document):
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[1]
                assert schemas[name].get("additionalProperties") is False, f"{method} {path}"


def test_every_integer_path_parameter_is_bounded(document):
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    assert parameter["schema"].get("maximum") == 2**63 - 1, (path, parameter)
