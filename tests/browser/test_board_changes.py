"""An OSR manager reschedules one review board and cancels another, wide and narrow."""

import datetime as dt

import pytest
from django.utils import timezone

from osr.reviews.models import ReviewBoard

from ..factories import ServiceFactory
from ..reviews.factories import AgendaItemFactory, ReviewBoardFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = pytest.mark.parametrize("journey", [1280, 390], indirect=True, ids=["wide", "narrow"])


def board_in(users, days: int) -> ReviewBoard:
    board = ReviewBoardFactory(
        delivery_group=users.own,
        chair=users.osr_manager.person,
        starts_at=(timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0),
        place="Seacole Building",
    )
    AgendaItemFactory(board=board, service=ServiceFactory(delivery_group=users.own))
    return board


@WIDTHS
def test_reschedule_a_board_then_cancel_another(journey, person, users):
    moved, called_off = board_in(users, 7), board_in(users, 9)
    person("osr_manager")
    journey.sign_in("osr_manager")
    page = journey.page

    journey.go(moved.get_absolute_url())
    page.get_by_role("button", name="Reschedule").click()
    journey.check()
    new_day = timezone.localdate() + dt.timedelta(days=21)
    journey.fill_date("day", new_day)
    page.get_by_label("Why is the board rescheduled?").fill("The chair is on leave that week")
    page.get_by_role("button", name="Reschedule board").click()
    journey.check()
    assert "Board rescheduled" in page.locator(".govuk-notification-banner").inner_text()
    assert "The chair is on leave that week" in page.content()
    assert ReviewBoard.objects.get(pk=moved.pk).day == new_day

    journey.go(called_off.get_absolute_url())
    page.get_by_role("button", name="Cancel board").click()
    journey.check()
    page.get_by_role("button", name="Yes, cancel the board").click()
    journey.check()
    assert "Enter why the board is cancelled" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why is the board cancelled?").fill("Too few services are ready")
    page.get_by_role("button", name="Yes, cancel the board").click()
    journey.check()
    assert page.locator("strong.govuk-tag", has_text="Cancelled").is_visible()
    assert ReviewBoard.objects.get(pk=called_off.pk).status == "cancelled"
    journey.go("/review-boards")
    assert page.locator("strong.govuk-tag", has_text="Cancelled").count() == 1
