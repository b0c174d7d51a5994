"""Prometheus metrics at /metrics: requests, the background queue, and gauges apps add.

Request counts and latencies are kept per process (label: the URL pattern, never
the raw path, so that the number of series stays bounded). Gauges about the
estate are read from the database when scraped; apps register them with
``register_gauges`` in ``AppConfig.ready`` so that core knows nothing of them.
"""

import hmac
import os
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest

REGISTRY = CollectorRegistry()

REQUESTS = Counter(
    "osr_http_requests_total",
    "HTTP requests answered, by method, route and status",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "osr_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)

GaugeSource = Callable[[], Iterable[GaugeMetricFamily]]
_sources: list[GaugeSource] = []


def register_gauges(source: GaugeSource) -> None:
    """Add a function yielding gauge families, read at every scrape."""
    if source not in _sources:
        _sources.append(source)


class EstateCollector:
    """Yields every registered app's gauges, plus the background task queue."""

    def describe(self):
        # Nothing to read at registration: the database may not be ready yet.
        return []

    def collect(self):
        yield from task_queue_gauges()
        for source in _sources:
            yield from source()


REGISTRY.register(EstateCollector())


def task_queue_gauges() -> Iterable[GaugeMetricFamily]:
    from django_tasks_db.models import DBTaskResult

    family = GaugeMetricFamily(
        "osr_background_tasks", "Background tasks by status", labels=["status"]
    )
    counts = DBTaskResult.objects.values("status").order_by().annotate(count=Count("id"))
    for row in counts:
        family.add_metric([row["status"]], row["count"])
    yield family


class MetricsMiddleware:
    """Counts and times every request by its URL pattern."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unmatched"
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response


# Open to the platform's scraper, which has no session: the token below is its check.
@login_not_required
@require_GET
def metrics(request):
    """The Prometheus exposition; behind a bearer token when OSR_METRICS_TOKEN is set."""
    expected = settings.OSR_METRICS_TOKEN
    if expected:
        given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return HttpResponseForbidden("A metrics token is required")
    return HttpResponse(generate_latest(exposed()), content_type=CONTENT_TYPE_LATEST)


def exposed() -> CollectorRegistry:
    """What /metrics shows: this process's counts, or, under ``osr serve``, every worker's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(EstateCollector())
    return registry
