"""Error pages that tell a person what happened and give them the request id to quote.

The same id is in the logs and in any audit entries the request wrote, so
support can find exactly what went wrong.
"""

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string

from . import api_errors
from .api_errors import is_api
from .logging import request_id

log = logging.getLogger(__name__)

PAGES = {
    400: ("Sorry, there is a problem with the request", "OSR could not understand the request."),
    403: (
        "You do not have permission to do this",
        "Your role does not allow this. Ask your delivery group's OSR manager if you need it.",
    ),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you were doing has been half-saved.",
    ),
}


def error_page(request, status: int) -> HttpResponse:
    title, message = PAGES[status]
    context = {
        "title": title,
        "message": message,
        "request_id": getattr(request, "id", "") or request_id.get(),
        "nonce": getattr(request, "csp_nonce", ""),
    }
    try:
        # The site's layout, so the person keeps the header, their navigation and the footer.
        page = render_to_string("errors/page.html", context, request=request)
    except Exception:
        # The layout reads the session, the user and their roles: when what failed is the
        # database, the standalone page, which needs none of them, still says what happened.
        log.warning("the error page fell back to the standalone layout", exc_info=True)
        page = render_to_string("errors/error.html", context)
    return HttpResponse(page, status=status)


# An API address gets the API's JSON instead of a page (``api_errors``).


def bad_request(request, exception=None):
    return (
        api_errors.answer(request, 400, exception) if is_api(request) else error_page(request, 400)
    )


def permission_denied(request, exception=None):
    return (
        api_errors.answer(request, 403, exception) if is_api(request) else error_page(request, 403)
    )


def page_not_found(request, exception=None):
    return (
        api_errors.answer(request, 404, exception) if is_api(request) else error_page(request, 404)
    )


def server_error(request):
    return api_errors.answer(request, 500) if is_api(request) else error_page(request, 500)
