"""Readiness gauges for /metrics: how many services may enter their next phase."""

from django.core.cache import cache
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from .portfolio import PortfolioFilters, stored_portfolio

# Scrapers call every few seconds; the counts are kept for a minute.
CACHE_SECONDS = 60


def readiness_gauges():
    counts = cache.get("osr:metrics:readiness")
    if counts is None:
        figures, _results = stored_portfolio(PortfolioFilters(), today=timezone.localdate())
        counts = {
            "ready": figures.ready,
            "blocked": figures.blocked,
            "live_data_flagged": figures.live_data,
        }
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
