"""Sign-ins that end: after OSR_SESSION_SECONDS at most, and sooner when idle.

Django's own expiry moves forward whenever the session is saved, so the
absolute limit is kept here from the time of sign-in.
"""

import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .api_errors import is_api

SIGNED_IN_AT = "osr_signed_in_at"
LAST_SEEN = "osr_last_seen"
# Recording every request would write the session to the database every time.
LAST_SEEN_RESOLUTION_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="osr-session-signed-in-at")
def _on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def why_ended(session, now: float) -> str | None:
    """Why a signed-in session has ended, or None while it lasts (it records activity)."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        session[SIGNED_IN_AT] = session[LAST_SEEN] = now
        return None
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return "Your sign-in has expired. Sign in again to carry on."
    idle = settings.OSR_SESSION_IDLE_SECONDS
    last_seen = session.get(LAST_SEEN, signed_in_at)
    if idle and now - last_seen > idle:
        minutes = max(1, round(idle / 60))
        return f"You were signed out after {minutes} minutes without activity. Sign in again."
    if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
        session[LAST_SEEN] = now
    return None


class SessionTimeoutMiddleware:
    """Sign out a page session that has lasted too long or been idle too long."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request) and auth.SESSION_KEY in request.session:
            reason = why_ended(request.session, time.time())
            if reason:
                auth.logout(request)
                messages.info(request, reason)
        return self.get_response(request)
