"""What every API operation promises, applied to all of them at once.

``apply_contract(api)`` runs once the routers are mounted: it declares the
error answers each operation can give (so the OpenAPI document lists every
status with its schema), and makes every operation ask for permission before
it says what is wrong with a body, so a role that may not write learns nothing
of the schema. ``Input`` is the base of every request body: a field it does not
know is refused, never silently dropped.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

import pydantic
from django.db import transaction
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationErrorContext
from ninja.operation import Operation
from pydantic import ConfigDict, Field

# What a form checks, said in the OpenAPI document only: the form stays the one that
# checks, with its own messages. Django's text fields refuse the NUL character, and a
# required one refuses text that is blank once trimmed (Python's strip() also trims the
# separators U+001C to U+001F, which JSON Schema's ``\\s`` does not name).
NUL_FREE = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
# The web addresses Django's URLValidator accepts, less the rarer forms it also takes
# (IP addresses, localhost, non-ASCII host names).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
WEB_ADDRESS = (
    rf"^https?://{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}(?::[0-9]{{1,5}})?(?:[/?#][^\s\x00]*)?$"
)
# The addresses Django's EmailValidator accepts, less quoted names and literal IPs.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
EMAIL = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z][A-Za-z-]{{0,61}}[A-Za-z]$"


def or_blank(pattern: str) -> str:
    """An anchored pattern that also matches the empty string."""
    return f"^(?:{pattern[1:-1]})?$"


def described(kind: Any, **json_schema: Any) -> Any:
    """``kind`` with constraints its form checks, stated in the document for clients."""
    return Annotated[kind, Field(json_schema_extra=json_schema)]


def text(*, required: bool = False, max_length: int | None = None) -> Any:
    """Free text as a form field takes it."""
    limits: dict[str, Any] = {"maxLength": max_length} if max_length else {}
    if required:
        return described(str, minLength=1, pattern=NOT_BLANK, **limits)
    return described(str, pattern=NUL_FREE, **limits)


def refers_to(to: str, **field: Any) -> Any:
    """Marks the slug or id of another object, named by the path of its list
    (``Annotated[str, refers_to("services")]``).

    Whether such an object exists is known only when the request arrives: one that
    does not is refused with 422 naming the field, which a client reads as a field error.
    """
    return Field(json_schema_extra={"x-refers-to": to}, **field)


def reference(to: str, key: Any = str) -> Any:
    """The type of the slug (or, ``key=int``, the id) of another object."""
    return Annotated[key, refers_to(to)]


UNKNOWN_FIELD = "Unknown field: this request has no such field"


class Input(Schema):
    """A request body: unknown fields are refused with 422, naming them."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    """An error: what went wrong, in a sentence."""

    detail: str


class InvalidOut(Schema):
    """Refused input: the reason, and the messages for each field (``__all__``: the whole)."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


BODY_SOURCES = ("body", "form", "file")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def error_answers(operation: Operation) -> dict[int, type[Schema]]:
    """The error statuses an operation can answer, with the schema of each."""
    methods = set(operation.methods)
    # 404: an object named in the path, the query or the body is unknown.
    answers: dict[int, type[Schema]] = {
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: InvalidOut,
    }
    declared_body = "requestBody" in (operation.openapi_extra or {})  # a body read by the view
    if declared_body or any(
        model.__ninja_param_source__ in BODY_SOURCES for model in operation.models
    ):
        answers |= {400: ErrorOut, 413: ErrorOut}
    if methods & set(WRITES):
        answers[409] = InvalidOut
    if methods & {"PATCH", "DELETE"} or any(
        field.alias == "If-Match"
        for model in operation.models
        for field in model.model_fields.values()
    ):
        answers |= {412: InvalidOut, 428: InvalidOut}
    return answers


class InvalidBody:
    """Stands in for a body that failed validation until the view reads it.

    Views ask for permission before they read their body, so by then the
    caller is known to be allowed and is told what is wrong with it.
    """

    __slots__ = ("_refusal",)

    def __init__(self, refusal: Exception):
        self._refusal = refusal

    def __getattr__(self, name: str) -> Any:
        raise self._refusal

    def __iter__(self):
        raise self._refusal

    def __getitem__(self, key: Any) -> Any:
        raise self._refusal


class PermissionFirst(Operation):
    """An operation whose body's validation waits for the view's permission check.

    Path, query and header parameters are still refused at once: the view
    needs them to find the object it asks permission on.
    """

    def _get_values(self, request, path_params, temporal_response):
        values: dict[str, Any] = {}
        failed: list[ValidationErrorContext] = []
        body_failed: list[ValidationErrorContext] = []
        unreadable: HttpError | None = None
        body_names: list[str] = []
        for model in self.models:
            is_body = model.__ninja_param_source__ in BODY_SOURCES
            try:
                values.update(model.resolve(request, self.api, path_params))
            except pydantic.ValidationError as error:
                context = ValidationErrorContext(pydantic_validation_error=error, model=model)
                (body_failed if is_body else failed).append(context)
                body_names += list(model.model_fields) if is_body else []
            except HttpError as error:  # a body that is not JSON at all
                if not is_body:
                    raise
                unreadable = error
                body_names += list(model.model_fields)
        if failed:
            raise self.api.validation_error_from_error_contexts(failed)
        if body_failed or unreadable:
            refusal = unreadable or self.api.validation_error_from_error_contexts(body_failed)
            values |= dict.fromkeys(body_names, InvalidBody(refusal))
        if self.signature.response_arg:
            values[self.signature.response_arg] = temporal_response
        return values


def _checked_first(view):
    """Run a view given an invalid body only for its permission check, then refuse the body.

    It runs in a transaction that is always rolled back, so nothing it did
    before reaching the body (or without reading it) is kept.
    """

    @functools.wraps(view)
    def run(request, **values):
        invalid = next((v for v in values.values() if isinstance(v, InvalidBody)), None)
        if invalid is None:
            return view(request, **values)
        with transaction.atomic():
            view(request, **values)
            raise invalid._refusal

    return run


def operations(api: NinjaAPI):
    """Every operation as the API serves and documents it (routers nested in routers too)."""
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            yield from path_view.operations


# An operation's ``openapi_extra`` key for query parameters its view reads itself
# (a list's filter set): they join those ninja declares.
QUERY_FILTERS = "x-query-filters"
# A strong ETag, or several separated by commas: ``*`` and weak tags are refused (428).
STRONG_ETAGS = r'^[ \t]*"[^",]*"[ \t]*(?:,[ \t]*"[^",]*"[ \t]*)*$'


def _completed(document: dict[str, Any]) -> dict[str, Any]:
    """The document with what ninja cannot say itself.

    ``If-Match`` is required by every operation that takes it (428 without it); query
    parameters a view reads itself are listed with the others; and no text a request
    carries may hold the NUL character, which ``NulCharacterMiddleware`` refuses.
    """
    components = document.get("components", {}).get("schemas", {})
    inputs: set[str] = set()
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            parameters = operation.setdefault("parameters", [])
            parameters += operation.pop(QUERY_FILTERS, [])
            for parameter in parameters:
                if parameter["in"] == "header" and parameter["name"] == "If-Match":
                    parameter["required"] = True
                    parameter["schema"] = {"type": "string", "pattern": STRONG_ETAGS}
                _without_nul(parameter.get("schema", {}), inputs)
            if not parameters:
                del operation["parameters"]
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _without_nul(content.get("schema", {}), inputs)
    done: set[str] = set()
    while inputs - done:
        name = (inputs - done).pop()
        done.add(name)
        _without_nul(components.get(name, {}), inputs)
    return document


def _without_nul(schema: Any, referred: set[str]) -> None:
    """Say of each free text in ``schema`` that it holds no NUL; collect the schemas it names."""
    if isinstance(schema, list):
        for item in schema:
            _without_nul(item, referred)
        return
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        referred.add(schema["$ref"].rsplit("/", 1)[-1])
    free_text = not ({"pattern", "enum", "const", "format"} & set(schema))
    if schema.get("type") == "string" and free_text:
        schema["pattern"] = NUL_FREE
    if isinstance(schema.get("additionalProperties"), dict):
        schema.setdefault("propertyNames", {"pattern": NUL_FREE})
    for key in ("properties", "patternProperties", "$defs"):
        for sub in (schema.get(key) or {}).values():
            _without_nul(sub, referred)
    for key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "not"):
        _without_nul(schema.get(key), referred)


def apply_contract(api: NinjaAPI) -> None:
    """Declare every operation's error answers and check permission before bodies.

    Called once every router is added: it binds them, after which none can be added.
    """
    generate = api.get_openapi_schema

    @functools.wraps(generate)
    def document(**kwargs: Any) -> Any:
        return _completed(generate(**kwargs))

    api.get_openapi_schema = document  # type: ignore[method-assign]
    for operation in operations(api):
        for status, schema in error_answers(operation).items():
            if status not in operation.response_models:
                operation.response_models[status] = operation._create_response_model(schema)
        if set(operation.methods) & set(WRITES) and not operation.is_async:
            # Ninja builds its operations itself and offers no hook for their class.
            operation.__class__ = PermissionFirst
            operation.view_func = _checked_first(operation.view_func)
