"""Security headers Django 5.2 has no setting for: a nonce-bearing CSP and Permissions-Policy.

The rest come from Django's own settings (see ``settings.py``):
``X-Content-Type-Options``, ``Referrer-Policy``, ``Cross-Origin-Opener-Policy`` and
``Strict-Transport-Security`` from ``SecurityMiddleware``, ``X-Frame-Options`` from
``XFrameOptionsMiddleware``.

Why these two are written here:

- Content-Security-Policy: Django has no CSP support before 6.0 (``SECURE_CSP``,
  which also makes nonces); until OSR moves to it, this is the whole of it and
  needs no new dependency. GOV.UK Frontend's page template marks the body with a
  tiny inline script; it carries the request's nonce so the policy needs no
  ``unsafe-inline``.
- Permissions-Policy: Django has no setting for it, and one fixed header does
  not warrant a dependency.

A view that sets either header itself (a sandboxed preview, say) keeps its own.
"""

import secrets


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
