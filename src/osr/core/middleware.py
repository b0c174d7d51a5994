"""Request id, bearer-token sign-in for the API, and refusal of NUL characters.

Sign-in for every page is Django's ``LoginRequiredMiddleware``; the views open
to anyone are marked with ``login_not_required`` where they are defined.
"""

import re
import uuid

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils import timezone

from .api_errors import is_api
from .logging import request_id as current_request_id
from .tokens import services as tokens

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give every request an id, kept in audit entries and sent back to the client.

    A well-formed ``X-Request-ID`` from a proxy is kept so that one id follows
    a request across systems; anything else is replaced. The id stays on the log
    until the answer is sent: Django logs an error answer (401, 404, ...) after
    every middleware has returned, and that line carries the id too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.META["HTTP_X_REQUEST_ID"] = request.id
        current_request_id.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


@receiver(request_finished, dispatch_uid="osr-request-id-finished")
def _request_finished(sender, **kwargs) -> None:
    # What the process logs between requests belongs to none of them.
    current_request_id.set("")


class BearerTokenMiddleware:
    """Sign in API requests that carry ``Authorization: Bearer <token>``.

    Runs before the audit middleware so that API writes are attributed to the
    token's user exactly as page writes are to the session's. Why a token is
    refused (expired, revoked) is kept for the API's authentication to answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        # The API has no session to sign in by (see ``page_middleware``): its caller
        # is the token's user, or nobody.
        request.user = AnonymousUser()
        scheme, _, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and raw.strip():
            token, request.token_refusal = tokens.check(raw.strip(), now=timezone.now())
            if token is not None:
                request.user = request.token_user = token.user
                request.api_token = token
        return self.get_response(request)


class NulCharacterMiddleware:
    """Refuse text containing the NUL character before it reaches a form or the database.

    No field in OSR can hold NUL, and PostgreSQL refuses it in any text value,
    including a value that is only looked up. Checked: the path, the query
    string, JSON bodies and form fields (an uploaded file keeps its binary content).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.carries_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": "Invalid input",
                        "errors": {"__all__": ["Text must not contain the NUL character"]},
                    },
                    status=422,
                )
            from .errors import bad_request

            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def carries_nul(request) -> bool:
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.content_type in ("application/json", "application/x-www-form-urlencoded"):
            try:
                body = request.body
            except RequestDataTooBig:
                # Not read here: the view reading it answers 413 saying the limit.
                return False
            if request.content_type == "application/json":
                return b"\x00" in body or b"\\u0000" in body.lower()
            return b"\x00" in body or b"%00" in body
        if request.content_type == "multipart/form-data" and request.method == "POST":
            # The form's text fields only: an uploaded file may hold any bytes.
            return any(
                "\x00" in value for _name, values in request.POST.lists() for value in values
            )
        return False
