"""The public HTTP API, mounted at /api/v1/: each app adds its routers here."""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError

from osr.catalogue.api import routers as catalogue_routers
from osr.core import api_errors
from osr.core.api_contract import UNKNOWN_FIELD, apply_contract
from osr.core.api_errors import SERVER_ERROR
from osr.core.logging import request_id
from osr.core.notifications.api import router as notifications_router
from osr.core.refusals import Refusal
from osr.core.tokens.auth import BearerToken
from osr.devtools.api import router as devtools_router
from osr.graph.api import router as graph_router
from osr.guides.api import router as guides_router
from osr.myit.api import router as myit_router
from osr.readiness.api import router as readiness_router
from osr.readiness.api_trends import router as readiness_trends_router
from osr.reviews.api import router as reviews_router

log = logging.getLogger("django.request")

api = NinjaAPI(
    title="Operational Service Readiness API",
    version="1",
    description="Defra's catalogue of services and their operational readiness.",
    auth=BearerToken(),
    urls_namespace="api",
)


def _errors_from_schema(error: SchemaError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = [
            str(part) for part in item.get("loc", []) if part not in ("body", "query", "path")
        ]
        if location and location[0] in ("body", "payload", "paging"):
            location = location[1:]
        message = UNKNOWN_FIELD if item.get("type") == "extra_forbidden" else item.get("msg")
        errors.setdefault(".".join(location) or "__all__", []).append(message or "Invalid")
    return errors


@api.exception_handler(SchemaError)
def on_schema_error(request, error: SchemaError):
    return api.create_response(
        request, {"detail": "Invalid input", "errors": _errors_from_schema(error)}, status=422
    )


@api.exception_handler(Refusal)
def on_refusal(request, refusal: Refusal):
    """Every refusal an operation raises, as JSON with its status: the one place."""
    response = api.create_response(request, refusal.body(), status=refusal.status)
    for name, value in refusal.headers().items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, error):
    return api.create_response(
        request, {"detail": "Sign in with 'Authorization: Bearer <token>'"}, status=401
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, error):
    return api.create_response(request, {"detail": str(error) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, error):
    return api.create_response(request, {"detail": str(error) or "Not found"}, status=404)


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request, error):
    """A body over the size limit (413, naming the limit) or a request Django distrusts (400)."""
    return api_errors.answer(request, 400, error)


@api.exception_handler(Exception)
def on_crash(request, error):
    """A bug: logged with its traceback, answered as JSON with the request id to quote."""
    log.error("Internal Server Error: %s", request.path, exc_info=error)
    # As Django does for a view's crash: the test client re-raises it, error reporters see it.
    got_request_exception.send(sender=None, request=request)
    body = {"detail": SERVER_ERROR, "request_id": request_id.get()}
    return api.create_response(request, body, status=500)


for prefix, router in catalogue_routers():
    api.add_router(prefix, router)
# Each app's router declares its own full paths under /api/v1/.
api.add_router("", readiness_router)
api.add_router("", readiness_trends_router)
api.add_router("", graph_router)
api.add_router("", reviews_router)
api.add_router("", myit_router)
api.add_router("", guides_router)
api.add_router("", devtools_router)
api.add_router("", notifications_router)
apply_contract(api)
