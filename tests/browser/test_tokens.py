"""An API token made on the tokens page authorises the interactive API documentation."""

import re

import pytest
from playwright.sync_api import expect

from osr.core.models import ApiToken

from ..factories import ServiceFactory
from .conftest import SHOTS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])


@WIDTHS
def test_a_token_made_on_the_tokens_page_calls_the_api_from_its_docs(journey, person, users):
    ServiceFactory(name="Waste tracking", slug="waste-tracking", delivery_group=users.own)
    person("delivery")
    journey.sign_in("delivery")
    page = journey.page

    # From the header's name to the account page, then to the tokens page.
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # a narrow screen folds the navigation behind a button
        menu.click()
    page.get_by_role("link", name=re.compile("your account")).click()
    journey.check()
    page.get_by_role("link", name="API tokens").click()
    journey.check()
    page.get_by_role("button", name="Create a token").click()
    journey.check()
    page.get_by_label("Name").fill("Trying the API")
    page.get_by_label(re.compile("Read and write")).check()
    page.get_by_role("button", name="Create token").click()
    journey.check()
    raw = page.get_by_label("Your token").input_value()
    assert raw.startswith("osr_")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy token").click()
    expect(page.locator("#copy-status")).to_have_text("Copied.")
    page.get_by_role("link", name="Back to your API tokens").click()
    journey.check()
    assert page.get_by_role("cell", name="Trying the API", exact=True).is_visible()
    assert ApiToken.objects.get(user=users.delivery).last_used is None

    # The documentation, under the site's own Content-Security-Policy this time.
    docs_context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        docs = docs_context.new_page()
        docs.set_default_timeout(15_000)
        refused = []
        docs.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else 0)
        docs.on("pageerror", lambda error: refused.append(str(error)))
        docs.goto(journey.base_url + "/api/v1/docs")
        docs.get_by_role("button", name="Authorize").first.click()
        docs.locator(".modal-ux input").fill(raw)
        docs.locator(".modal-ux").get_by_role("button", name="Apply credentials").click()
        docs.locator(".modal-ux").get_by_role("button", name="Close").click()
        operation = docs.locator(".opblock-get", has=docs.locator('[data-path="/api/v1/services"]'))
        operation.locator(".opblock-summary-control").first.click()
        operation.get_by_role("button", name="Try it out").click()
        operation.get_by_role("button", name="Execute").click()
        status = operation.locator(".live-responses-table tr.response .response-col_status").first
        status.wait_for()
        docs.screenshot(path=SHOTS / f"{journey.name}-docs.png", full_page=True)
        assert status.inner_text().strip() == "200"
        assert "waste-tracking" in operation.locator(".live-responses-table").inner_text()
        assert not refused, refused
    finally:
        docs_context.close()
    assert ApiToken.objects.get(user=users.delivery).last_used is not None
