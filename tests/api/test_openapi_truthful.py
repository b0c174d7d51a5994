"""The OpenAPI document says what the server checks, and the server checks what it says.

Clients (and the generated-input test) build requests from the document: a limit,
a choice or a filter it leaves out is a request refused that the document called valid.
"""

import pytest
from django.test import Client

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def body_schema(document, path, method="post") -> dict:
    content = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    ref = content["schema"]["$ref"].rsplit("/", 1)[1]
    return document["components"]["schemas"][ref]


def string_of(schema: dict) -> dict:
    """The string branch of a field that may also be null."""
    return next((s for s in schema.get("anyOf", []) if s.get("type") == "string"), schema)


def test_a_create_body_states_the_forms_limits(document):
    fields = body_schema(document, "/api/v1/services")["properties"]
    assert fields["name"]["maxLength"] == 200 and fields["name"]["minLength"] == 1
    assert fields["slug"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert fields["support_hours"]["enum"] and "null" not in str(fields["support_hours"])
    assert string_of(fields["support_contact_email"])["pattern"].startswith("^(?:")  # or blank
    assert string_of(fields["myit_record_url"])["maxLength"] == 500
    assert fields["delivery_group"]["x-refers-to"] == "delivery-groups"
    assert string_of(fields["description"])["pattern"] == "^[^\\x00]*$"


def test_every_list_declares_its_filters_and_sort_keys(document):
    services = {p["name"]: p for p in document["paths"]["/api/v1/services"]["get"]["parameters"]}
    assert {"page", "page_size", "q", "phase", "delivery_group", "critical", "sort"} <= set(
        services
    )
    assert "live" in services["phase"]["schema"]["items"]["enum"]
    assert "-name" in services["sort"]["schema"]["enum"]
    actions = {p["name"] for p in document["paths"]["/api/v1/actions"]["get"]["parameters"]}
    assert {"group", "owner", "status"} <= actions


def test_if_match_is_declared_required_as_a_strong_etag(document):
    (if_match,) = [
        p
        for p in document["paths"]["/api/v1/services/{key}"]["patch"]["parameters"]
        if p["name"] == "If-Match"
    ]
    assert if_match["required"] is True and if_match["schema"]["pattern"]


@pytest.mark.parametrize("value", ["abc", '"ok", text', "{}"])
def test_an_if_match_that_is_not_a_list_of_etags_is_428(api, users, value):
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = api("admin").patch("/api/v1/services/flood", {"name": "X"}, if_match=value)
    assert response.status_code == 428, response.content


@pytest.mark.parametrize("value", ["null", "yes", ""])
def test_a_yes_or_no_filter_refuses_anything_but_true_or_false(api, value):
    response = api("viewer").get("/api/v1/services", critical=value)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"critical"}
    assert api("viewer").get("/api/v1/services", critical="false").status_code == 200


def test_evidence_refuses_a_field_it_does_not_know(api, users):
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = api("admin").post(
        "/api/v1/services/flood/evidence", {"requirement": "LD-1", "colour": "red"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"colour"}
