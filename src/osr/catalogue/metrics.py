"""The catalogue's gauges for /metrics."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .choices import Phase
from .models import Service


def service_gauges():
    family = GaugeMetricFamily(
        "osr_services", "Services in the catalogue by phase", labels=["phase"]
    )
    counts = dict(Service.objects.values_list("phase").order_by().annotate(n=Count("id")))
    for phase in Phase.values:
        family.add_metric([phase], counts.get(phase, 0))
    yield family
