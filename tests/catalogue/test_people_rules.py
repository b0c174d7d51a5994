"""Who may change a person's record: a manager their own groups' people, a person their own.

A person's email address is where their group's notifications go, so a manager of one
group must not be able to change the record of another group's manager. The matrix of
every role against every kind of person is in ``test_permissions.py``; these tests follow
the refusal through the API and the pages, and check what stays allowed.
"""

import pytest

from osr.catalogue import models

from ..conftest import make_user
from ..factories import PersonFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db

NEW_EMAIL = "attacker@example.com"


@pytest.fixture
def their_manager(users):
    """The other group's OSR manager, who signs in."""
    return make_user("their_manager", "osr_manager", manages=(users.other, "osr_manager")).person


def person_form(person, **changes) -> dict:
    fields = ["name", "email", "phone", "out_of_hours", "role_title"]
    return {name: getattr(person, name) for name in fields} | changes


def test_a_manager_may_not_change_another_groups_manager_through_the_api(api, users, their_manager):
    before = models.Person.objects.get(pk=their_manager.pk)
    response = api("osr_manager").patch(f"/api/v1/people/{their_manager.pk}", {"email": NEW_EMAIL})
    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    after = models.Person.objects.get(pk=their_manager.pk)
    assert (after.email, after.updated) == (before.email, before.updated)


def test_a_manager_may_not_change_another_groups_manager_on_the_pages(page, users, their_manager):
    client = page("osr_manager")
    assert client.get(f"/people/{their_manager.pk}/edit").status_code == 403
    response = client.post(
        f"/people/{their_manager.pk}/edit", person_form(their_manager, email=NEW_EMAIL)
    )
    assert response.status_code == 403
    assert models.Person.objects.get(pk=their_manager.pk).email == their_manager.email
    assert (
        f"/people/{their_manager.pk}/edit"
        not in client.get(f"/people/{their_manager.pk}").content.decode()
    )


def test_a_manager_may_not_change_another_groups_named_contact(api, users):
    contact = PersonFactory()
    users.other.live_services_manager = contact
    users.other.save()
    response = api("live_services_manager").patch(
        f"/api/v1/people/{contact.pk}", {"email": NEW_EMAIL}
    )
    assert response.status_code == 403
    assert models.Person.objects.get(pk=contact.pk).email == contact.email


def test_a_manager_changes_a_contact_of_their_groups_team_on_the_pages(page, users):
    contact = PersonFactory()
    TeamFactory(delivery_group=users.own).members.add(contact)
    response = page("osr_manager").post(
        f"/people/{contact.pk}/edit", person_form(contact, phone="01234 567890")
    )
    assert response.status_code == 302
    assert models.Person.objects.get(pk=contact.pk).phone == "01234 567890"


def test_a_manager_may_not_change_a_colleague_who_signs_in(api, users):
    """Someone with an account keeps their own record; their manager may not redirect it."""
    colleague = users.delivery.person
    response = api("osr_manager").patch(f"/api/v1/people/{colleague.pk}", {"email": NEW_EMAIL})
    assert response.status_code == 403
    assert models.Person.objects.get(pk=colleague.pk).email == colleague.email


def test_a_person_changes_their_own_record_on_the_pages(page, users):
    me = users.viewer.person
    client = page("viewer")
    assert f"/people/{me.pk}/edit" in client.get(f"/people/{me.pk}").content.decode()
    response = client.post(f"/people/{me.pk}/edit", person_form(me, phone="07700 900123"))
    assert response.status_code == 302
    assert models.Person.objects.get(pk=me.pk).phone == "07700 900123"


def test_any_person_may_still_be_chosen_as_a_services_owner(api, users, their_manager):
    """Only editing the record is restricted: naming someone on a service is not."""
    ServiceFactory(slug="flood", delivery_group=users.own)
    response = api("osr_manager").patch(
        "/api/v1/services/flood", {"service_owner": their_manager.pk}
    )
    assert response.status_code == 200, response.content
    assert models.Service.objects.get(slug="flood").service_owner == their_manager
