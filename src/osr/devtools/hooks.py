"""Webhook endpoints for code hosts, outside the signed-in site and the API's tokens.

Each delivery is authenticated by the integration's secret (see ``hosts``):
401 when it does not match (and logged), 400 when it cannot be read, 413 when
the body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, 200 for an event this
integration has already received, 202 once accepted or when it raises no change.
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import hosts, services
from .choices import Host
from .models import Integration

log = logging.getLogger(__name__)

_DELIVERY_HEADERS = ("x-github-delivery", "idempotency-key", "x-gitlab-event-uuid")


@login_not_required
@csrf_exempt
@require_POST
def receive(request, host: str, public_id):
    """Receive one delivery from a code host for an integration."""
    integration = (
        Integration.objects.filter(public_id=public_id, host=host).select_related("service").first()
        if host in Host.values
        else None
    )
    if integration is None:
        return JsonResponse({"detail": "No such webhook"}, status=404)
    try:
        body = request.body
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse(
            {"detail": f"The body is too large: a delivery may be at most {limit} bytes"},
            status=413,
        )
    headers = {name.lower(): value for name, value in request.headers.items()}
    kept = integration.secrets_in_force(timezone.now())
    if not hosts.verify(host, kept, headers, body):
        delivery = next((headers[h] for h in _DELIVERY_HEADERS if h in headers), "")
        log.warning(
            "Webhook refused: bad signature for integration %s (%s) of %s, delivery %r from %s",
            integration.public_id,
            host,
            integration.service.slug,
            delivery[:100],
            request.META.get("REMOTE_ADDR", ""),
        )
        return JsonResponse({"detail": "The signature or token does not match"}, status=401)
    try:
        delivery = hosts.read(host, headers, body)
    except hosts.Malformed as error:
        return JsonResponse({"detail": f"Malformed delivery: {error}"}, status=400)
    if delivery is None:
        return JsonResponse({"status": "ignored"}, status=202)
    change, created = services.receive_delivery(integration, delivery)
    if not created:
        log.info(
            "Webhook event %s of integration %s received again (delivery %r): ignored",
            change.event_key,
            integration.public_id,
            delivery.delivery_id[:100],
        )
        return JsonResponse(
            {"status": "duplicate", "detail": "Already received", "change": change.pk},
            status=200,
        )
    return JsonResponse({"status": "accepted", "change": change.pk}, status=202)
