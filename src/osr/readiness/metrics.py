"""Readiness gauges for /metrics: how many services may enter their next phase."""

from django.core.cache import cache
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from osr.catalogue.models import Service

from .services import portfolio

# Evaluating the whole portfolio costs about as much as loading it; scrapers
# call every few seconds, so the answer is kept for a minute.
CACHE_SECONDS = 60


def readiness_gauges():
    counts = cache.get("osr:metrics:readiness")
    if counts is None:
        counts = {"ready": 0, "blocked": 0, "live_data_flagged": 0}
        evaluated = portfolio(Service.objects.order_by("id"), today=timezone.localdate())
        for _loaded, evaluation in evaluated:
            counts["ready" if evaluation.ready else "blocked"] += 1
            counts["live_data_flagged"] += int(evaluation.live_data_flagged)
        cache.set("osr:metrics:readiness", counts, CACHE_SECONDS)
    family = GaugeMetricFamily(
        "osr_services_readiness",
        "Services by whether they may enter their next phase",
        labels=["state"],
    )
    family.add_metric(["ready"], counts["ready"])
    family.add_metric(["blocked"], counts["blocked"])
    yield family
    yield GaugeMetricFamily(
        "osr_services_live_data_flagged",
        "Services using live data whose live-data obligations are not yet met",
        value=counts["live_data_flagged"],
    )
