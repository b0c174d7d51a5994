"""GOV.UK patterns as people meet them: date inputs, error pages, navigation, narrow screens."""

import datetime as dt

import pytest
from django.utils import timezone

from osr.reviews.models import Rehearsal, ReviewBoard

from ..factories import ComponentFactory, DependencyFactory, ServiceFactory, TeamFactory
from ..reviews.factories import ActionFactory, ReviewBoardFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])
WIDE = pytest.mark.parametrize("journey", [1280], indirect=True, ids=["wide"])
NARROW = pytest.mark.parametrize("journey", [390], indirect=True, ids=["narrow"])


@pytest.fixture
def estate(users):
    """A few services with long names, components, dependencies, a board and an action."""
    team = TeamFactory(name="Waste team", slug="waste-team", delivery_group=users.own)
    waste = ServiceFactory(
        name="Waste tracking",
        slug="waste-tracking",
        delivery_group=users.own,
        delivery_team=team,
        phase="private_beta",
    )
    permits = ServiceFactory(
        name="Environmental permitting for waste operations and water discharges",
        slug="environmental-permitting",
        delivery_group=users.other,
        phase="live",
        uses_live_data=True,
    )
    ComponentFactory(service=waste, name="Waste tracking application programming interface")
    DependencyFactory(from_service=waste, to_service=permits)
    ReviewBoardFactory(delivery_group=users.own, chair=users.osr_manager.person)
    ActionFactory(service=waste, owner=users.osr_manager.person)
    return waste


@WIDTHS
def test_schedule_a_board_with_the_date_input(journey, person, users):
    person("osr_manager")
    journey.sign_in("osr_manager")
    journey.go("/review-boards/new")
    page = journey.page
    next_week = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Delivery group").select_option("farming")
    date = page.get_by_role("group", name="Date")
    date.get_by_label("Day").fill(str(next_week.day))
    date.get_by_label("Month").fill(str(next_week.month))
    date.get_by_label("Year").fill(str(next_week.year))
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("Place (optional)").fill("Room 101, Seacole Building")
    page.get_by_label("Chair").select_option(str(users.osr_manager.person.pk))
    page.get_by_role("button", name="Schedule board").click()
    journey.check()
    assert "scheduled" in page.locator(".govuk-notification-banner").inner_text()
    board = ReviewBoard.objects.get()
    assert timezone.localtime(board.starts_at).date() == next_week


@WIDTHS
def test_an_impossible_date_is_explained(journey, person, estate):
    person("delivery")
    journey.sign_in("delivery")
    journey.go("/services/waste-tracking/rehearsals/new")
    page = journey.page
    page.get_by_label("Kind").select_option(index=1)
    journey.fill_date("held_on", dt.date(2026, 2, 1))
    page.locator('[name="held_on-day"]').fill("31")
    page.get_by_label("Scenario").fill("The database fails over")
    page.get_by_label("Participants").fill("Ana\nBo")
    page.get_by_label("Outcome").fill("Recovered in 20 minutes")
    page.get_by_role("button", name="Record rehearsal").click()
    journey.check()
    assert "Enter a real date" in page.locator(".govuk-error-summary").inner_text()
    # The summary leads to the day box, and what was typed is kept.
    page.locator(".govuk-error-summary a", has_text="Enter a real date").click()
    assert page.evaluate("document.activeElement.name") == "held_on-day"
    assert page.locator('[name="held_on-day"]').input_value() == "31"
    page.locator('[name="held_on-day"]').fill("1")
    page.get_by_role("button", name="Record rehearsal").click()
    journey.check()
    assert Rehearsal.objects.get().held_on == dt.date(2026, 2, 1)


@WIDTHS
def test_a_missing_page_keeps_the_navigation(journey, person, users):
    person("viewer")
    journey.sign_in("viewer")
    response = journey.page.goto(journey.base_url + "/services/no-such-service")
    assert response is not None and response.status == 404
    journey.check()
    page = journey.page
    assert page.get_by_role("heading", name="Page not found").is_visible()
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # a narrow screen folds the navigation behind a button
        menu.click()
    navigation = page.get_by_role("navigation", name="Menu")
    assert navigation.get_by_role("link", name="Services").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()


@WIDE
def test_the_navigation_fits_one_row(journey, person, users):
    # A long name beside the sign-out button, as a real person's may be.
    users.admin.first_name, users.admin.last_name = "Alexandra", "Fitzgerald-Hughes"
    users.admin.save()
    person("admin")
    journey.sign_in("admin")
    journey.go("/services")
    tops = journey.page.locator(".govuk-service-navigation__item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(tops) > 3
    assert len(set(tops)) == 1, f"the navigation wraps: tops {tops}"


@NARROW
def test_lists_fit_a_narrow_screen(journey, person, estate):
    person("osr_manager")
    journey.sign_in("osr_manager")
    for path in [
        "/services",
        "/readiness",
        "/components",
        "/dependencies",
        "/people",
        "/review-boards",
        "/actions",
    ]:
        journey.go(path)
        width = journey.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width}px wide"
