"""A local OpenID provider shaped like Microsoft Entra ID, for sign-in tests.

It serves a tenant's discovery document, its signing keys (an RSA key made
for the test), an authorization endpoint that sends the browser straight back
with a code, and a token endpoint that exchanges the code (checking the client
secret and the PKCE verifier) for an RS256-signed ID token carrying ``oid``,
``groups``, ``email``, ``name`` and the nonce. Attributes on the provider make
it misbehave in the ways a sign-in must survive.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TENANT_ID = "00000000-0000-4000-8000-00000000cafe"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeEntraId:
    """The provider; ``with FakeEntraId() as provider:`` serves it on 127.0.0.1."""

    def __init__(self, client_id: str = "osr-test-client", client_secret: str = "s3cret"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = _new_key()
        self.kid = "test-key-1"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.provider = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/{TENANT_ID}"
        self.issuer = f"{self.base}/v2.0"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.requests: list[str] = []
        self._codes: dict[str, dict] = {}
        self.reset()

    # What the next person to sign in is, and how the provider misbehaves.

    def reset(self) -> None:
        self.claims: dict[str, Any] = {}
        self.sign_with_other_key = False
        self.nonce_override: str | None = None
        self.claim_overrides: dict[str, Any] = {}
        self.requests.clear()

    def sign_in_as(self, *, oid: str, groups=(), email="", name="", **more) -> None:
        """The account the next visit to the authorization endpoint signs in."""
        self.claims = {
            "oid": oid,
            "groups": list(groups),
            "email": email,
            "preferred_username": email,
            "name": name,
            **more,
        }

    # The server's life.

    def __enter__(self) -> FakeEntraId:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # The endpoints.

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{self.base}/oauth2/v2.0/token",
            "jwks_uri": f"{self.base}/discovery/v2.0/keys",
            "userinfo_endpoint": f"{self.base}/oidc/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict, Any]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        self._codes[code] = {
            "claims": dict(self.claims),
            "nonce": query.get("nonce"),
            "redirect_uri": query["redirect_uri"],
            "code_challenge": query.get("code_challenge"),
        }
        back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, {"Location": back}, None

    def token(self, form: dict[str, str]) -> tuple[int, dict, Any]:
        grant = self._codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return 400, {}, {"error": "invalid_grant"}
        if grant["code_challenge"]:
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if challenge != grant["code_challenge"]:
                return 400, {}, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "tid": TENANT_ID,
            "sub": secrets.token_urlsafe(12),  # pairwise: differs per application
            "nonce": self.nonce_override or grant["nonce"],
            **grant["claims"],
            **self.claim_overrides,
        }
        key = _new_key() if self.sign_with_other_key else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        return (
            200,
            {},
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "access_token": secrets.token_urlsafe(24),
                "id_token": id_token,
            },
        )

    def answer(self, method: str, url: str, body: bytes) -> tuple[int, dict, Any]:
        parts = urlsplit(url)
        self.requests.append(f"{method} {parts.path}")
        path = f"http://127.0.0.1:{self.server.server_address[1]}{parts.path}"
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "GET" and path == self.discovery_url:
            return 200, {}, self.discovery()
        if method == "GET" and path == self.discovery()["jwks_uri"]:
            return 200, {}, self.jwks()
        if method == "GET" and path == self.discovery()["authorization_endpoint"]:
            return self.authorize(query)
        if method == "POST" and path == self.discovery()["token_endpoint"]:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            return self.token(form)
        return 404, {}, {"error": "not_found"}


class _Handler(BaseHTTPRequestHandler):
    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, headers, payload = self.server.provider.answer(  # type: ignore[attr-defined]
            self.command, self.path, body
        )
        data = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:  # tests read provider.requests
        pass
