"""Every error under /api/ is JSON, ``{"detail": ..., "errors": {...}}``, whatever raised it.

Errors inside an operation are answered by the API's handlers (``osr.api``).
These cover what happens around it: Django's error handlers (an unknown
address, a body over the size limit, a host OSR does not answer to, a crash
in a middleware) answer JSON for API addresses, and ``ApiErrorsMiddleware``
turns any other error answer that is not JSON (405 from the router, a debug
page) into the same shape. No answer carries a traceback or an HTML page.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse, JsonResponse

from .logging import request_id

SERVER_ERROR = (
    "Sorry, there is a problem with the service. Nothing was half-saved; try again later."
)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, detail: str, errors: dict[str, list[str]] | None = None):
    body: dict = {"detail": detail}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def _limit_refused(exception: Exception | None) -> HttpResponse | None:
    """A request over one of Django's size limits, with the limit in the message."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return json_error(413, f"The request body is too large: at most {limit} bytes, files aside")
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return json_error(400, f"Too many fields: at most {limit}")
    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return json_error(400, f"Too many files: at most {limit}")
    return None


def answer(request, status: int, exception: Exception | None = None) -> HttpResponse:
    """The JSON answer to an error Django's own handlers caught for an API address."""
    refused = _limit_refused(exception)
    if refused is not None:
        return refused
    if isinstance(exception, DisallowedHost):
        return json_error(400, "OSR does not answer to this host name")
    if status == 500:
        return JsonResponse({"detail": SERVER_ERROR, "request_id": request_id.get()}, status=500)
    if status == 404:
        return json_error(404, f"Nothing is at {request.path}: see /api/v1/docs")
    return json_error(status, HTTPStatus(status).phrase)


class ApiErrorsMiddleware:
    """Any error answer under /api/ that is not JSON becomes the API's error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not is_api(request)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        if status == 405:
            allowed = response.get("Allow", "")
            replaced = json_error(405, f"Method {request.method} not allowed: use {allowed}")
        elif status >= 500:
            replaced = JsonResponse(
                {"detail": SERVER_ERROR, "request_id": request_id.get()}, status=status
            )
        else:
            replaced = answer(request, status)
        for header in ("Allow", "ETag", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replaced[header] = response[header]
        return replaced
