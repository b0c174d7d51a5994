"""``Idempotency-Key`` on API POSTs: a retried request gets the first answer and creates nothing.

The key is claimed in its own committed transaction before the request runs,
so that two copies of a request arriving together cannot both run: the
second is told the first is still in progress (409) and may retry.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse

from .models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY = 255


def _fingerprint(request) -> str:
    return hashlib.sha256(
        request.method.encode() + request.path.encode() + request.body
    ).hexdigest()


class IdempotencyMiddleware:
    """Replays the stored answer to a repeated ``POST /api/...`` with the same key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER, "").strip()
        user = getattr(request, "token_user", None)
        if (
            not key
            or request.method != "POST"
            or user is None
            or not request.path.startswith("/api/")
        ):
            return self.get_response(request)
        if len(key) > MAX_KEY:
            return JsonResponse(
                {
                    "detail": "Invalid input",
                    "errors": {"Idempotency-Key": [f"At most {MAX_KEY} characters"]},
                },
                status=422,
            )
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path,
                    request_hash=fingerprint,
                )
        except IntegrityError:
            return self.replay(user, key, fingerprint)

        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            # A failure may be retried for real: forget the key.
            record.delete()
            return response
        record.status = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.body = response.content
        record.save(update_fields=["status", "content_type", "body"])
        return response

    @staticmethod
    def replay(user, key: str, fingerprint: str) -> HttpResponse:
        record = IdempotentRequest.objects.filter(user=user, key=key).first()
        if record is None or record.status is None:
            return JsonResponse(
                {"detail": "A request with this Idempotency-Key is still being processed"},
                status=409,
            )
        if record.request_hash != fingerprint:
            return JsonResponse(
                {
                    "detail": "Invalid input",
                    "errors": {
                        "Idempotency-Key": ["This key was already used for a different request"]
                    },
                },
                status=422,
            )
        response = HttpResponse(
            bytes(record.body), status=record.status, content_type=record.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
