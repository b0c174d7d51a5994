"""Django's sessions, sign-in and messages middleware, for pages only.

The API signs its callers in by bearer token alone and keeps no session, so for
an address under /api/ these layers did nothing but cost: a session store, a lazy
user, a cookie signer for messages (together about a twelfth of reading one object
through the API). Each class here is Django's own, which a request under /api/
passes straight through, hooks included; every other address gets Django's
behaviour unchanged. Being subclasses, Django's system checks still find them in
``MIDDLEWARE``. CSRF protection stays Django's own for every address, as its
deployment check asks: the API's views are exempt from it, having no cookie to forge.
"""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware, LoginRequiredMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

from .api_errors import is_api


class _PagesOnly:
    """Pass a request under /api/ on untouched; run the middleware for any other."""

    def __call__(self, request):
        if is_api(request):
            return self.get_response(request)  # type: ignore[attr-defined]
        return super().__call__(request)  # type: ignore[misc]


class PageSessionMiddleware(_PagesOnly, SessionMiddleware):
    pass


class PageAuthenticationMiddleware(_PagesOnly, AuthenticationMiddleware):
    pass


class PageMessageMiddleware(_PagesOnly, MessageMiddleware):
    pass


class PageLoginRequiredMiddleware(_PagesOnly, LoginRequiredMiddleware):
    """Every page needs a signed-in user; the API answers its callers itself."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_api(request):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
