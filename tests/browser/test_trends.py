"""Readiness over time in a browser, on the demo estate: the portfolio's charts beside their
tables, a delivery group's, and a campaign's burn-up, on a wide and a narrow screen."""

import pytest
from django.utils import timezone

from osr.catalogue import demo
from osr.catalogue.models import DeliveryGroup
from osr.readiness.models import Campaign

from .conftest import SHOTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])
# Each chart Chart.js drew: its key, how many points, and whether the canvas has a size.
DRAWN = """() => [...document.querySelectorAll("[data-chart]")].map((holder) => {
  const chart = window.Chart && window.Chart.getChart(holder.querySelector("canvas"));
  return {
    key: holder.closest("figure").id,
    points: chart ? chart.data.labels.length : 0,
    series: chart ? chart.data.datasets.length : 0,
    rows: holder.closest("figure").querySelectorAll("tbody tr").length,
    height: holder.getBoundingClientRect().height,
  };
})"""


@pytest.fixture
def demo_estate(db):
    demo.load_demo(today=timezone.localdate(), accounts=True)


def charts_drawn(journey) -> dict[str, dict]:
    journey.page.wait_for_function("() => document.querySelector('[data-chart]:not([hidden])')")
    return {chart["key"]: chart for chart in journey.page.evaluate(DRAWN)}


def keep(journey, selector: str, what: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    journey.page.locator(selector).screenshot(path=SHOTS / f"{journey.name}-{what}.png")


@WIDTHS
def test_the_portfolio_group_and_campaign_show_trends_beside_their_tables(journey, demo_estate):
    page = journey.page
    journey.sign_in("osr_manager", password="demo-osr_manager")

    journey.go("/readiness")
    drawn = charts_drawn(journey)
    assert set(drawn) == {
        "chart-requirements-met",
        "chart-gate-status",
        "chart-time-in-phase",
        "chart-verification-wait",
    }
    for key, chart in drawn.items():
        # Months of history on first run: a trend, one point per row of its table.
        assert chart["points"] == chart["rows"] >= 4, key
        assert chart["height"] > 100, key
    assert drawn["chart-requirements-met"]["points"] >= 20
    figures = page.locator("#chart-requirements-met table")
    assert figures.locator("th", has_text="Requirements met").is_visible()
    keep(journey, "#chart-requirements-met", "requirements-met")
    keep(journey, "#chart-gate-status", "gate-status")

    group = DeliveryGroup.objects.order_by("name").first()
    journey.go(group.get_absolute_url())
    assert page.get_by_role("heading", name="Readiness over time").is_visible()
    assert charts_drawn(journey)["chart-requirements-met"]["points"] >= 20

    journey.go("/readiness/campaigns")
    campaign = Campaign.objects.get()
    page.get_by_role("link", name=campaign.title).click()
    journey.check()
    burn_up = charts_drawn(journey)["chart-campaign-burn-up"]
    assert burn_up["points"] == burn_up["rows"] >= 10 and burn_up["series"] == 2
    assert page.get_by_role("heading", name="Services in scope").is_visible()
    keep(journey, "#chart-campaign-burn-up", "campaign-burn-up")

    # Nothing makes a page scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_without_javascript_the_tables_stand_on_their_own(browser, live_server, demo_estate):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill("demo-viewer")
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/readiness")
    assert not page.locator("[data-chart]").first.is_visible()  # no empty frame for a chart
    assert page.locator("#chart-requirements-met tbody tr").count() >= 20
    assert page.locator("#chart-requirements-met table").is_visible()
    context.close()
