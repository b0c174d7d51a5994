"""The API's bearer-token authentication, declared in the OpenAPI document.

``BearerTokenMiddleware`` reads the token before the view, so that the audit
trail attributes API writes to its holder; this class, ninja's ``HttpBearer``,
gives the verdict to each operation and declares the ``bearer`` scheme that lets
the interactive documentation send a token.
"""

from __future__ import annotations

from typing import Any

from ninja.security import HttpBearer

from ..refusals import Forbidden, Refusal

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Unauthenticated(Refusal):
    """A token that no longer signs in (expired or revoked): 401, saying why."""

    status = 401
    detail = "Unauthenticated"

    def body(self) -> dict[str, Any]:
        return {"detail": self.message}

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class BearerToken(HttpBearer):
    def __init__(self, *, writes_nothing: bool = False) -> None:
        # An operation sent by POST that writes nothing (a pipeline's pre-check) is
        # open to read-only tokens, so that a pipeline needs no token that can write.
        super().__init__()
        self.writes_nothing = writes_nothing

    def authenticate(self, request, token: str):
        refusal = getattr(request, "token_refusal", None)
        if refusal:
            raise Unauthenticated(refusal + ". Create a new token on your account page.")
        api_token = getattr(request, "api_token", None)
        if api_token is None:
            return None  # unknown: answered 401 with how to sign in
        if api_token.read_only and request.method not in SAFE_METHODS and not self.writes_nothing:
            raise Forbidden(
                "This token is read-only: it may not change anything. "
                "Use a read-write token to send this request."
            )
        return api_token.user
