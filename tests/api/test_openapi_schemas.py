"""Every schema of the OpenAPI document is the one its operations use.

The document keeps one schema per class name, so two classes with the same name
would leave some operations documented with the other one's fields.
"""

import typing

import pytest
from pydantic import BaseModel

from osr.api import api
from osr.core.api_contract import operations as api_operations

# Ninja's own wrappers of an operation's parameters and answers: never in the document.
NINJA_WRAPPERS = {"NinjaResponseSchema", "PathParams", "QueryParams", "BodyParams"}


def models_in(annotation) -> typing.Iterator[type[BaseModel]]:
    """The pydantic models an annotation names, however deeply nested."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in typing.get_args(annotation):
        yield from models_in(argument)


def reachable() -> dict[str, set[type[BaseModel]]]:
    """Every model the API's operations reach, by name."""
    found: dict[str, set[type[BaseModel]]] = {}
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        if model.__name__ not in NINJA_WRAPPERS:
            found.setdefault(model.__name__, set()).add(model)
        for field in model.model_fields.values():
            for inner in models_in(field.annotation):
                visit(inner)

    for operation in operations():
        for model in [*operation.response_models.values(), *operation.models]:
            if isinstance(model, type) and issubclass(model, BaseModel):
                visit(model)
    return found


def operations():
    return api_operations(api)


def schema_fields(model: type[BaseModel]) -> list[set[str]]:
    """The field names an answer is written with, or the names input is read by."""
    fields = model.model_fields.items()
    return [{name for name, _f in fields}, {f.alias or name for name, f in fields}]


def same(models: set[type[BaseModel]]) -> bool:
    """Classes ninja builds for each operation (one page of a list) may repeat a name
    harmlessly: they describe the same object."""
    return len({str(m.model_json_schema()) for m in models}) == 1


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        from django.test import Client

        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_no_two_schemas_share_a_name():
    shared = {name: models for name, models in reachable().items() if not same(models)}
    assert not shared, {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models)
        for name, models in shared.items()
    }


def test_every_schema_in_the_document_has_its_own_class_fields(document):
    schemas = document["components"]["schemas"]
    for name, models in reachable().items():
        if name not in schemas:
            continue  # a parameter model: its fields are parameters, not a schema
        (model, *_others) = models
        assert set(schemas[name].get("properties", {})) in schema_fields(model), name


def referenced(document, schema: dict) -> str:
    return schema["$ref"].rsplit("/", 1)[1]


def answer_schema(document, path: str) -> str:
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    return referenced(document, content["application/json"]["schema"])


def test_graph_findings_are_documented_as_graph_findings(document):
    page = answer_schema(document, "/api/v1/graph/findings")
    results = document["components"]["schemas"][page]["properties"]["results"]
    item = referenced(document, results["items"])
    assert item == "GraphFindingOut"
    assert set(document["components"]["schemas"][item]["properties"]) == {
        "rule",
        "title",
        "service",
        "depends_on",
        "message",
    }


def test_incident_contacts_are_documented_with_their_own_people_and_changes(document):
    schemas = document["components"]["schemas"]
    assert answer_schema(document, "/api/v1/services/{slug}/incident-contacts") == "IncidentOut"
    entry = referenced(document, schemas["IncidentOut"]["properties"]["services"]["items"])
    assert entry == "IncidentServiceOut"
    fields = schemas[entry]["properties"]
    contact = next(ref for ref in fields["osr_manager"]["anyOf"] if "$ref" in ref)
    assert referenced(document, contact) == "IncidentContactOut"
    assert set(schemas["IncidentContactOut"]["properties"]) == {"name", "email"}
    assert referenced(document, fields["changes"]["items"]) == "IncidentChangeOut"
    assert set(schemas["IncidentChangeOut"]["properties"]) == {"when", "what", "by"}


SUMMARISED_LISTS = {"/api/v1/services/{slug}/impact"}


def test_every_list_is_one_page_of_the_same_envelope(document):
    lists = [
        (path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method == "get" and "200" in operation["responses"]
    ]
    for path, operation in lists:
        content = operation["responses"]["200"].get("content", {}).get("application/json")
        if not content:
            continue
        assert content["schema"].get("type") != "array", path
        if "$ref" not in content["schema"]:
            continue
        schema = document["components"]["schemas"][referenced(document, content["schema"])]
        if "results" in schema.get("properties", {}) and "count" in schema["properties"]:
            extra = set(schema["properties"]) - {"count", "next", "previous", "results"}
            # An impact answer is one page of what is affected beside the summary of it all.
            assert not extra or path in SUMMARISED_LISTS, path
            names = {p["name"] for p in operation.get("parameters", [])}
            assert {"page", "page_size"} <= names, path


def test_walk_reaches_every_schema_of_the_document(document):
    # Else a schema could hide from the checks above.
    assert set(document["components"]["schemas"]) <= set(reachable()) | {"PageQuery"}
