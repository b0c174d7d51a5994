"""Test users at every access level, set up once, as the roles are used in OSR.

``users`` gives, for the delivery group ``own`` (and a second group ``other``):
a viewer, a delivery team member of ``own``, the OSR manager and the live
services manager assigned to ``own``, an administrator, and a delivery team
member of ``other``.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from osr.catalogue.models import DeliveryGroup, Person
from osr.core.models import ApiToken
from osr.core.roles import assign_role

from .factories import DeliveryGroupFactory, PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (sign-in failure counts, cached gauges)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def audit_anchor_file(settings, tmp_path):
    """Each test anchors the audit chain in a file of its own, never in the data directory."""
    settings.OSR_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")
    return tmp_path / "audit-anchors.jsonl"


@dataclass
class Users:
    own: DeliveryGroup
    other: DeliveryGroup
    viewer: object
    delivery: object
    osr_manager: object
    live_services_manager: object
    admin: object
    outsider: object  # a delivery team member of the other group

    def by_role(self, role: str):
        return getattr(self, role)


def make_user(username: str, role: str, *, member_of=(), manages=None):
    user = UserFactory(username=username, first_name=username.capitalize())
    assign_role(user, role)
    person = PersonFactory(name=username.replace("_", " ").title(), user=user)
    for group in member_of:
        group.members.add(person)
    if manages is not None:
        group, field = manages
        setattr(group, field, person)
        group.save()
    return user


@pytest.fixture
def users(db) -> Users:
    own = DeliveryGroupFactory(name="Farming and countryside", slug="farming")
    other = DeliveryGroupFactory(name="Environment", slug="environment")
    return Users(
        own=own,
        other=other,
        viewer=make_user("viewer", "viewer"),
        delivery=make_user("delivery", "delivery", member_of=[own]),
        osr_manager=make_user(
            "osr_manager", "osr_manager", member_of=[own], manages=(own, "osr_manager")
        ),
        live_services_manager=make_user(
            "live_services_manager",
            "live_services_manager",
            member_of=[own],
            manages=(own, "live_services_manager"),
        ),
        admin=make_user("admin", "admin"),
        outsider=make_user("outsider", "delivery", member_of=[other]),
    )


AUTO = object()  # send the object's current ETag, read just before the write
NO_PRECONDITION = ""  # send no If-Match at all


class ApiClient:
    """A JSON client that signs in with a bearer token."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {ApiToken.issue(user)}"
            # As if just used: a token's use is recorded at most once a minute, and a test
            # counting a request's queries counts the request's own, not that record.
            ApiToken.objects.filter(user=user).update(last_used=timezone.now())

    def _call(self, method: str, path: str, json=None, headers=None, **params):
        kwargs = {"headers": {**self.headers, **(headers or {})}}
        if json is not None:
            kwargs.update(data=json, content_type="application/json")
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, json=None):
        return self._call("post", path, json=json if json is not None else {})

    def current_etag(self, path) -> str | None:
        """The ETag a GET of the object answers now (None where it answers none)."""
        return self._call("get", path).get("ETag")

    def _precondition(self, path, if_match) -> dict:
        # Like a careful client: read the object's version first unless told which to send.
        if if_match is AUTO:
            if_match = self.current_etag(path)
        return {"If-Match": if_match} if if_match else {}

    def patch(self, path, json, if_match=None):
        if_match = AUTO if if_match is None else if_match
        return self._call("patch", path, json=json, headers=self._precondition(path, if_match))

    def delete(self, path, if_match=None):
        if_match = AUTO if if_match is None else if_match
        return self._call("delete", path, headers=self._precondition(path, if_match))


@pytest.fixture
def api(users):
    """``api(role)`` is an API client signed in as that role's test user."""
    return lambda role=None: ApiClient(users.by_role(role) if role else None)


@pytest.fixture
def page(users):
    """``page(role)`` is a browser-like client signed in as that role's test user."""

    def signed_in(role: str) -> Client:
        client = Client()
        client.force_login(users.by_role(role))
        return client

    return signed_in


__all__ = ["Person"]
