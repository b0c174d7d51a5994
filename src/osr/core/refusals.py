"""Refusals: the one way an operation says no, whoever asked.

Services raise a ``Refusal`` (or one of its kinds); the API turns it into JSON
with its status (``osr.api``), a page shows it as a GOV.UK error summary on the
form the person was on, keeping what they typed (``show_on``), and a command
prints its message on one line and exits non-zero (``osr.core.commands``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404

ALL = "__all__"  # errors of the request as a whole rather than of one field


class Refusal(Exception):
    """An operation refused as a whole, with a message for each field it concerns.

    ``status`` is how the API answers: 422 invalid input, 403 not allowed, 404
    unknown, 409 in conflict with what is recorded, 412/428 a stale or missing
    ``If-Match``.
    """

    status = 422
    detail = "Invalid input"

    def __init__(
        self,
        errors: dict[str, list[str]] | str | None = None,
        *,
        status: int | None = None,
        detail: str | None = None,
    ):
        if isinstance(errors, str):
            errors = {ALL: [errors]}
        self.errors: dict[str, list[str]] = errors or {}
        if status is not None:
            self.status = status
        if detail is not None:
            self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Every message, for a person reading one line (a page banner, the CLI)."""
        messages = [message for messages in self.errors.values() for message in messages]
        return "; ".join(messages) or self.detail

    def body(self) -> dict[str, Any]:
        """The JSON the API answers with."""
        body: dict[str, Any] = {"detail": self.detail}
        if self.errors:
            body["errors"] = self.errors
        return body

    def headers(self) -> dict[str, str]:
        return {}


class Invalid(Refusal):
    """Input that failed validation: 422, with a message for each field."""


class Forbidden(Refusal, PermissionDenied):
    """The person's role does not allow this (to this delivery group): 403.

    Also Django's ``PermissionDenied``, so a page that does not catch it shows the 403 page.
    """

    status = 403
    detail = "Forbidden"

    def body(self) -> dict[str, Any]:
        return {"detail": self.message}


class NotFound(Refusal, Http404):
    """No such object: 404 (also Django's ``Http404``, so a page shows the 404 page)."""

    status = 404
    detail = "Not found"

    def body(self) -> dict[str, Any]:
        return {"detail": self.message}


class Conflicting(Refusal):
    """The request conflicts with what is recorded (a duplicate, an object in use): 409."""

    status = 409
    detail = "Conflicts with what is recorded"


def invalid(form: forms.BaseForm) -> Invalid:
    """A form's errors as a refusal: the one place form errors become API errors."""
    return Invalid({name: [str(e) for e in errors] for name, errors in form.errors.items()})


def show_on(form: forms.BaseForm, refusal: Refusal) -> None:
    """Put a refusal's messages on the form the person submitted, field by field.

    A message for a field the form does not show goes to the top of the form,
    so nothing said is lost; the page then renders the GOV.UK error summary.
    """
    for name, messages in (refusal.errors or {ALL: [refusal.message]}).items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
