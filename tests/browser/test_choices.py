"""Choices a person may pick, in a browser, on a wide and a narrow screen.

The drop-downs offer only the groups a person may add to. A choice that was
theirs when the page was shown but no longer is when they submit it is refused
with the form shown again: the error summary says why, and nothing typed is lost.
"""

import pytest

from osr.catalogue.models import Service

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])


def offered_groups(page) -> list[str]:
    return page.locator("select[name=delivery_group] option").evaluate_all(
        "options => options.map(o => o.value).filter(Boolean)"
    )


@WIDTHS
def test_adding_a_service_refused_for_another_group_keeps_the_input(journey, person, users):
    person("delivery")
    # Working in both groups when the page is shown...
    users.other.members.add(users.delivery.person)
    journey.sign_in("delivery")
    journey.go("/services/add")
    page = journey.page
    assert sorted(offered_groups(page)) == ["environment", "farming"]
    page.get_by_label("Name").fill("Peat restoration")
    page.get_by_label("Slug").fill("peat-restoration")
    page.get_by_label("Description (optional)").fill("Grants for restoring upland peat")
    page.get_by_label("Delivery group").select_option("environment")
    # ...but moved out of one of them before submitting.
    users.other.members.remove(users.delivery.person)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    journey.check()
    assert posted.value.status == 403
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "You may not add a service to Environment" in summary.inner_text()
    assert page.get_by_label("Name").input_value() == "Peat restoration"
    assert page.get_by_label("Slug").input_value() == "peat-restoration"
    assert page.get_by_label("Description (optional)").input_value() == (
        "Grants for restoring upland peat"
    )
    assert not Service.objects.filter(slug="peat-restoration").exists()
    # The summary leads to the field to change; choosing their own group then saves.
    summary.get_by_role("link", name="You may not add a service to Environment").click()
    assert page.evaluate("document.activeElement.name") == "delivery_group"
    page.get_by_label("Delivery group").select_option("farming")
    page.get_by_role("button", name="Save").click()
    journey.check()
    assert "saved" in page.locator(".govuk-notification-banner").inner_text()
    assert Service.objects.get(slug="peat-restoration").delivery_group == users.own


@WIDTHS
def test_a_group_added_to_the_page_by_hand_is_refused_with_the_input_kept(journey, person, users):
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services/add")
    page = journey.page
    assert offered_groups(page) == ["farming"]
    # As a person editing the page's HTML could.
    page.evaluate(
        """() => {
            const option = new Option("Environment", "environment");
            document.querySelector("select[name=delivery_group]").add(option);
        }"""
    )
    page.get_by_label("Name").fill("Peat restoration")
    page.get_by_label("Slug").fill("peat-restoration")
    page.get_by_label("Delivery group").select_option("environment")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    journey.check()
    assert posted.value.status == 403
    assert "You may not add a service to Environment" in (
        page.locator(".govuk-error-summary").inner_text()
    )
    assert page.get_by_label("Name").input_value() == "Peat restoration"
    assert page.get_by_label("Slug").input_value() == "peat-restoration"
    assert not Service.objects.filter(slug="peat-restoration").exists()
