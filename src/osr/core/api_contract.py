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
from typing import Any

import pydantic
from django.db import transaction
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationErrorContext
from ninja.operation import Operation
from pydantic import ConfigDict, Field


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


def apply_contract(api: NinjaAPI) -> None:
    """Declare every operation's error answers and check permission before bodies.

    Called once every router is added: it binds them, after which none can be added.
    """
    for operation in operations(api):
        for status, schema in error_answers(operation).items():
            if status not in operation.response_models:
                operation.response_models[status] = operation._create_response_model(schema)
        if set(operation.methods) & set(WRITES) and not operation.is_async:
            # Ninja builds its operations itself and offers no hook for their class.
            operation.__class__ = PermissionFirst
            operation.view_func = _checked_first(operation.view_func)
