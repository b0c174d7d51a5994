"""Sign-in with Microsoft Entra ID, driven end to end against a local fake provider."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client

from osr.catalogue.models import Person
from osr.core.models import ExternalIdentity
from osr.core.oidc import delivery_groups_for, role_for
from osr.core.roles import roles_of

from ..factories import DeliveryGroupFactory, UserFactory
from .fake_oidc import TENANT_ID, FakeEntraId

pytestmark = pytest.mark.django_db

MANAGERS = "11111111-1111-4111-8111-111111111111"
STAFF = "22222222-2222-4222-8222-222222222222"
FARMING_TEAM = "33333333-3333-4333-8333-333333333333"
ADMINS = "44444444-4444-4444-8444-444444444444"


@pytest.fixture(scope="module")
def provider():
    with FakeEntraId() as running:
        yield running


@pytest.fixture
def entra(provider, settings):
    """OSR configured to sign in with the fake provider."""
    provider.reset()
    cache.clear()
    settings.OSR_OIDC_ENABLED = True
    settings.OSR_OIDC_TENANT_ID = TENANT_ID
    settings.OSR_OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OSR_OIDC_GROUP_ROLES = [
        (STAFF, "viewer"),
        (FARMING_TEAM, "delivery"),
        (MANAGERS, "osr_manager"),
        (ADMINS, "admin"),
    ]
    settings.OSR_OIDC_GROUP_DELIVERY_GROUPS = [(FARMING_TEAM, "farming")]
    settings.OSR_OIDC_DEFAULT_ROLE = "viewer"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "osr.core.oidc.EntraIdBackend",
    ]
    DeliveryGroupFactory(slug="farming", name="Farming and countryside")
    return provider


def sign_in(client: Client, provider: FakeEntraId, next_url: str = "/services"):
    """Follow the code flow: OSR → provider → OSR's callback; return the callback's answer."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302, start
    assert start["Location"].startswith(provider.discovery()["authorization_endpoint"])
    at_provider = httpx.get(start["Location"], follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert back.path == "/oidc/callback/"
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def signed_in_user(client: Client):
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_first_sign_in_creates_the_user_with_the_role_of_their_groups(entra):
    entra.sign_in_as(
        oid="oid-ana",
        groups=[STAFF, MANAGERS, FARMING_TEAM, "unmapped-group"],
        email="ana.smith@defra.example",
        name="Ana Smith",
    )
    client = Client()
    response = sign_in(client, entra)

    assert response.status_code == 302 and response["Location"] == "/services"
    user = signed_in_user(client)
    assert user.username == "ana.smith@defra.example"
    assert user.email == "ana.smith@defra.example"
    assert user.get_full_name() == "Ana Smith"
    assert roles_of(user) == {"osr_manager"}  # the highest of viewer, delivery, osr_manager
    assert not user.has_usable_password()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (entra.issuer, "oid-ana")
    person = Person.objects.get(user=user)
    assert person.name == "Ana Smith"
    assert list(person.delivery_groups.values_list("slug", flat=True)) == ["farming"]
    assert client.get("/services").status_code == 200


def test_second_sign_in_finds_the_same_user_by_object_id_though_the_email_changed(entra):
    entra.sign_in_as(oid="oid-ben", groups=[STAFF], email="ben@defra.example", name="Ben")
    first = Client()
    sign_in(first, entra)
    user = signed_in_user(first)

    entra.sign_in_as(oid="oid-ben", groups=[STAFF], email="ben.jones@defra.example", name="Ben")
    second = Client()
    sign_in(second, entra)

    assert signed_in_user(second) == user
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.email == "ben.jones@defra.example"
    assert Person.objects.get(user=user).email == "ben.jones@defra.example"


def test_another_object_id_with_the_same_email_is_another_user(entra):
    entra.sign_in_as(oid="oid-cat-1", groups=[ADMINS], email="cat@defra.example", name="Cat")
    first = Client()
    sign_in(first, entra)
    entra.sign_in_as(oid="oid-cat-2", groups=[], email="cat@defra.example", name="Cat")
    second = Client()
    sign_in(second, entra)

    one, two = signed_in_user(first), signed_in_user(second)
    assert one != two
    assert roles_of(one) == {"admin"} and roles_of(two) == {"viewer"}
    assert two.username.startswith("cat-")  # the address was taken: a name made from the oid


def test_a_local_account_with_the_same_email_is_not_taken_over(entra):
    local = UserFactory(username="dan", email="dan@defra.example")
    entra.sign_in_as(oid="oid-dan", groups=[STAFF], email="dan@defra.example", name="Dan")
    client = Client()
    sign_in(client, entra)
    assert signed_in_user(client) != local


def test_group_changes_update_role_and_delivery_groups_at_the_next_sign_in(entra):
    entra.sign_in_as(oid="oid-eve", groups=[FARMING_TEAM], email="eve@defra.example", name="Eve")
    sign_in(Client(), entra)
    user = User.objects.get(external_identities__subject="oid-eve")
    assert roles_of(user) == {"delivery"}
    assert Person.objects.get(user=user).delivery_groups.count() == 1

    entra.sign_in_as(oid="oid-eve", groups=[STAFF], email="eve@defra.example", name="Eve")
    sign_in(Client(), entra)
    user = User.objects.get(pk=user.pk)
    assert roles_of(user) == {"viewer"}
    assert Person.objects.get(user=user).delivery_groups.count() == 0

    entra.sign_in_as(oid="oid-eve", groups=[ADMINS], email="eve@defra.example", name="Eve")
    sign_in(Client(), entra)
    user = User.objects.get(pk=user.pk)
    assert roles_of(user) == {"admin"} and user.is_superuser


def test_delivery_group_membership_outside_the_mapping_is_left_alone(entra):
    entra.sign_in_as(oid="oid-fay", groups=[STAFF], email="fay@defra.example", name="Fay")
    sign_in(Client(), entra)
    person = Person.objects.get(user__external_identities__subject="oid-fay")
    DeliveryGroupFactory(slug="environment").members.add(person)
    sign_in(Client(), entra)
    assert list(person.delivery_groups.values_list("slug", flat=True)) == ["environment"]


def refused(client: Client, response) -> bool:
    return (
        response.status_code == 302
        and response["Location"] == "/sign-in"
        and signed_in_user(client) is None
    )


def test_token_signed_with_another_key_is_refused(entra):
    entra.sign_in_as(oid="oid-mal", groups=[ADMINS], email="mal@defra.example")
    entra.sign_with_other_key = True
    client = Client()
    response = sign_in(client, entra)
    assert refused(client, response)
    assert User.objects.count() == 0
    assert "Signing in with Microsoft did not work" in messages_of(response)[0]


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "another-application"},
        {"iss": "https://login.microsoftonline.com/another-tenant/v2.0"},
        {"exp": 1_000_000_000, "iat": 999_990_000},
    ],
    ids=["audience", "issuer", "expired"],
)
def test_token_for_another_audience_issuer_or_time_is_refused(entra, overrides):
    entra.sign_in_as(oid="oid-mal", groups=[ADMINS], email="mal@defra.example")
    entra.claim_overrides = overrides
    client = Client()
    assert refused(client, sign_in(client, entra))
    assert User.objects.count() == 0


def test_token_with_another_nonce_is_refused(entra):
    entra.sign_in_as(oid="oid-mal", groups=[ADMINS], email="mal@defra.example")
    entra.nonce_override = "replayed-nonce"
    client = Client()
    assert refused(client, sign_in(client, entra))
    assert User.objects.count() == 0


def test_callback_without_a_state_this_browser_started_is_refused(entra):
    entra.sign_in_as(oid="oid-mal", groups=[ADMINS], email="mal@defra.example")
    victim = Client()
    victim.get("/oidc/authenticate/")
    response = victim.get("/oidc/callback/", {"code": "stolen", "state": "forged"})
    assert refused(victim, response)


def test_someone_in_no_mapped_group_is_refused_when_there_is_no_default_role(entra, settings):
    settings.OSR_OIDC_DEFAULT_ROLE = ""
    entra.sign_in_as(oid="oid-guest", groups=["unmapped"], email="guest@defra.example")
    client = Client()
    response = sign_in(client, entra)
    assert refused(client, response)
    assert "not in a group that may use OSR" in messages_of(response)[0]
    assert User.objects.count() == 0


def test_too_many_groups_for_the_token_is_refused_rather_than_guessed(entra):
    entra.sign_in_as(
        oid="oid-busy",
        email="busy@defra.example",
        _claim_names={"groups": "src1"},
        _claim_sources={"src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/x"}},
    )
    del entra.claims["groups"]
    client = Client()
    response = sign_in(client, entra)
    assert refused(client, response)
    assert "too many groups" in messages_of(response)[0]


def test_provider_that_cannot_be_reached_gives_a_message_not_an_error(entra, settings):
    settings.OSR_OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = Client().get("/oidc/authenticate/")
    assert response.status_code == 302 and response["Location"] == "/sign-in"


def test_discovery_document_is_fetched_once_and_cached(entra):
    for oid in ("oid-1", "oid-2"):
        entra.sign_in_as(oid=oid, groups=[STAFF], email=f"{oid}@defra.example")
        sign_in(Client(), entra)
    assert entra.requests.count(f"GET {urlsplit(entra.discovery_url).path}") == 1


def test_sign_in_page_offers_microsoft_when_configured(entra):
    page = Client().get("/sign-in?next=/services").content.decode()
    assert "Sign in with Microsoft" in page
    assert 'href="/oidc/authenticate/?next=%2Fservices"' in page
    assert 'name="password"' in page


def test_sign_in_page_has_no_microsoft_button_and_oidc_is_absent_when_not_configured():
    assert "Sign in with Microsoft" not in Client().get("/sign-in").content.decode()
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_local_sign_in_switched_off_removes_the_form_and_refuses_posts(entra, settings, users):
    settings.OSR_LOCAL_SIGN_IN = False
    settings.AUTHENTICATION_BACKENDS = [
        backend for backend in settings.AUTHENTICATION_BACKENDS if "ModelBackend" not in backend
    ]
    users.viewer.set_password("right-password")
    users.viewer.save()
    page = Client().get("/sign-in").content.decode()
    assert "Sign in with Microsoft" in page and 'name="password"' not in page
    client = Client()
    response = client.post("/sign-in", {"username": "viewer", "password": "right-password"})
    assert response.status_code == 405
    assert signed_in_user(client) is None
    entra.sign_in_as(oid="oid-gil", groups=[STAFF], email="gil@defra.example")
    client = Client()
    sign_in(client, entra)
    assert signed_in_user(client) is not None


def test_highest_role_of_the_mapped_groups_wins():
    mapping = [("a", "viewer"), ("b", "admin"), ("C", "delivery"), ("d", "no-such-role")]
    assert role_for(["a", "c"], mapping, "viewer") == "delivery"  # group ids ignore case
    assert role_for(["c", "b", "a"], mapping, "viewer") == "admin"
    assert role_for(["z"], mapping, "viewer") == "viewer"
    assert role_for(["z", "d"], mapping, "") is None


def test_delivery_groups_follow_the_mapping_in_order_each_once():
    mapping = [("a", "farming"), ("b", "environment"), ("c", "farming")]
    assert delivery_groups_for(["c", "b", "a"], mapping) == ["farming", "environment"]
    assert delivery_groups_for(["x"], mapping) == []
