"""What a Prometheus scrape of /metrics sees."""

import pytest
from django.test import Client, override_settings

from ..factories import ServiceFactory

pytestmark = pytest.mark.django_db


def scrape(client=None) -> str:
    response = (client or Client()).get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def value(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{line_start} not in metrics")


def test_requests_are_counted_by_route_and_status(page, users):
    client = page("viewer")
    client.get("/services")
    client.get("/services")
    text = scrape()
    counted = value(text, 'osr_http_requests_total{method="GET",route="services",status="200"}')
    assert counted >= 2
    assert (
        'osr_http_request_duration_seconds_bucket{le="0.005",method="GET",route="services"}' in text
    )


def test_services_by_phase_and_readiness(users):
    ServiceFactory(phase="live", delivery_group=users.own)
    ServiceFactory(phase="alpha", delivery_group=users.own)
    ServiceFactory(phase="alpha", delivery_group=users.own)
    text = scrape()
    assert value(text, 'osr_services{phase="alpha"}') == 2
    assert value(text, 'osr_services{phase="live"}') == 1
    assert value(text, 'osr_services{phase="retired"}') == 0
    ready = value(text, 'osr_services_readiness{state="ready"}')
    blocked = value(text, 'osr_services_readiness{state="blocked"}')
    assert ready + blocked == 3
    assert "osr_background_tasks" in text


@override_settings(OSR_METRICS_TOKEN="scrape-secret")
def test_a_configured_token_guards_the_metrics():
    assert Client().get("/metrics").status_code == 403
    response = Client().get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert response.status_code == 200
