"""The footer offers the Django admin to administrators only."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_administrator_is_offered_the_administration_pages(page, users):
    assert 'href="/admin/"' in page("admin").get("/services").content.decode()


@pytest.mark.parametrize("role", ["viewer", "delivery", "osr_manager"])
def test_others_are_not_offered_the_administration_pages(page, users, role):
    body = page(role).get("/services").content.decode()
    assert 'href="/admin/"' not in body
    assert 'href="/api/v1/docs"' in body
