"""Sign-in with Microsoft Entra ID (OpenID Connect), through mozilla-django-oidc.

The provider's endpoints come from its discovery document, fetched when first
needed and kept in the cache. A person is matched by their Entra object id
(the ``oid`` claim), never by email address: an address can be changed or
given to someone else, the object id cannot. Their role, and optionally their
delivery groups, follow their Entra groups and are brought up to date at
every sign-in.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

import httpx
import jwt
import requests
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .accounts import AccountRefused, create_user
from .audit import acting_as, register
from .models import ExternalIdentity
from .roles import ROLES, assign_role, roles_of

log = logging.getLogger(__name__)

register(ExternalIdentity, exclude_fields=["last_sign_in"])

DISCOVERY_CACHE_SECONDS = 3600
# Roles from lowest to highest: someone in several mapped groups gets the highest.
ROLE_ORDER = list(ROLES)


class SignInRefused(Exception):
    """A sign-in the provider vouched for but OSR will not accept; says why, for the user."""


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read."""


# Decisions: plain functions over plain data.


def role_for(
    group_ids: Iterable[str], group_roles: Iterable[tuple[str, str]], default: str
) -> str | None:
    """The highest role any of the groups maps to; ``default`` (or None) when none does."""
    groups = {group_id.lower() for group_id in group_ids}
    mapped = [
        role for group_id, role in group_roles if group_id.lower() in groups and role in ROLE_ORDER
    ]
    if not mapped:
        return default or None
    return max(mapped, key=ROLE_ORDER.index)


def delivery_groups_for(
    group_ids: Iterable[str], group_slugs: Iterable[tuple[str, str]]
) -> list[str]:
    """The delivery group slugs the groups map to, in mapping order, each once."""
    groups = {group_id.lower() for group_id in group_ids}
    return list(dict.fromkeys(slug for group_id, slug in group_slugs if group_id.lower() in groups))


# The provider.


def discovery() -> dict:
    """The provider's OpenID configuration, cached for an hour."""
    url = settings.OSR_OIDC_DISCOVERY_URL
    key = "oidc:discovery:" + hashlib.sha256(url.encode()).hexdigest()[:32]
    document = cache.get(key)
    if document is None:
        try:
            response = httpx.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(f"Cannot read {url}: {error}") from error
        missing = [
            name
            for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
            if not document.get(name)
        ]
        if missing:
            raise ProviderUnavailable(f"{url} lacks {', '.join(missing)}")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def expected_issuer() -> str:
    issuer = discovery()["issuer"]
    # The multi-tenant document names the tenant as a placeholder.
    return issuer.replace("{tenantid}", settings.OSR_OIDC_TENANT_ID)


# The authentication backend.


class EntraIdBackend(OIDCAuthenticationBackend):
    """Authenticates the code flow's ID token and finds or creates the OSR user."""

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every authenticate() and get_user() call:
        # the provider is consulted only when a sign-in with it happens.
        self.UserModel = get_user_model()

    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802 (the library's name)
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:  # noqa: N802
        return settings.OIDC_RP_SIGN_ALGO

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return discovery()["jwks_uri"]

    def _verify_jws(self, payload, key):
        """Check the signature, and that the token was issued by our provider, for OSR, now."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=expected_issuer(),
                leeway=60,
                options={"require": ["exp", "iat", "aud", "iss"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        # Entra's user-info endpoint carries neither the object id nor the
        # groups; the verified ID token carries both.
        return payload

    def verify_claims(self, claims) -> bool:
        if "_claim_names" in claims and "groups" in claims["_claim_names"]:
            raise SignInRefused(
                "Your Microsoft account is in too many groups for OSR to read. "
                "Ask for OSR's app registration to send only the groups assigned to it."
            )
        return bool(claims.get("oid"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(
            external_identities__issuer=expected_issuer(),
            external_identities__subject=claims["oid"],
        )

    def create_user(self, claims):
        role = self._role(claims)
        slugs = self._delivery_groups(claims)
        known = set(
            apps.get_model("catalogue", "DeliveryGroup")
            .objects.filter(slug__in=slugs)
            .values_list("slug", flat=True)
        )
        if unknown := [slug for slug in slugs if slug not in known]:
            log.warning("OSR_OIDC_GROUP_DELIVERY_GROUPS names unknown groups: %s", unknown)
        first_name, last_name = _names(claims)
        with transaction.atomic():
            user = create_user(
                self._free_username(claims),
                role=role,
                groups=[slug for slug in slugs if slug in known],
                email=_email(claims),
                first_name=first_name,
                last_name=last_name,
            )
            ExternalIdentity.objects.create(
                user=user,
                issuer=expected_issuer(),
                subject=claims["oid"],
                last_sign_in=timezone.now(),
            )
        log.info("Created user %s for Entra object id %s as %s", user, claims["oid"], role)
        return user

    def update_user(self, user, claims):
        role = self._role(claims)
        first_name, last_name = _names(claims)
        email = _email(claims) or user.email
        with transaction.atomic(), acting_as(user):
            if roles_of(user) != {role}:
                log.info("Role of %s changes to %s from their Entra groups", user, role)
                assign_role(user, role)
            changed = {
                name: value
                for name, value in (
                    ("email", email),
                    ("first_name", first_name),
                    ("last_name", last_name),
                )
                if value and getattr(user, name) != value
            }
            if changed:
                for name, value in changed.items():
                    setattr(user, name, value)
                user.save(update_fields=list(changed))
            self._sync_person(user, claims)
            ExternalIdentity.objects.filter(issuer=expected_issuer(), subject=claims["oid"]).update(
                last_sign_in=timezone.now()
            )
        return user

    def _role(self, claims) -> str:
        role = role_for(
            claims.get("groups") or [],
            settings.OSR_OIDC_GROUP_ROLES,
            settings.OSR_OIDC_DEFAULT_ROLE,
        )
        if role is None:
            raise SignInRefused(
                "Your Microsoft account is not in a group that may use OSR. "
                "Ask the OSR team for access."
            )
        return role

    def _delivery_groups(self, claims) -> list[str]:
        return delivery_groups_for(
            claims.get("groups") or [], settings.OSR_OIDC_GROUP_DELIVERY_GROUPS
        )

    def _sync_person(self, user, claims) -> None:
        """Bring the user's catalogue person, and their mapped delivery groups, up to date."""
        person = apps.get_model("catalogue", "Person").objects.filter(user=user).first()
        if person is None:
            return
        name = user.get_full_name() or user.username
        if (person.name, person.email) != (name, user.email):
            person.name, person.email = name, user.email
            person.save()
        mapping = settings.OSR_OIDC_GROUP_DELIVERY_GROUPS
        if not mapping:
            return
        wanted = set(self._delivery_groups(claims))
        # Only the groups the mapping names are managed from Entra; membership
        # of any other delivery group is left as OSR's administrators set it.
        managed = {slug for _group_id, slug in mapping}
        for group in apps.get_model("catalogue", "DeliveryGroup").objects.filter(slug__in=managed):
            is_member = group.members.filter(pk=person.pk).exists()
            if group.slug in wanted and not is_member:
                group.members.add(person)
            elif group.slug not in wanted and is_member:
                group.members.remove(person)

    def _free_username(self, claims) -> str:
        """The user principal name when it is a valid username not yet taken."""
        field = self.UserModel._meta.get_field(self.UserModel.USERNAME_FIELD)
        base = (claims.get("preferred_username") or claims.get("email") or "").strip()
        candidates = [base, f"{base.split('@')[0]}-{claims['oid'][:8]}", claims["oid"]]
        for candidate in candidates:
            if not candidate:
                continue
            try:
                field.clean(candidate, None)
            except ValidationError:
                continue
            if not self.UserModel.objects.filter(**{field.name: candidate}).exists():
                return candidate
        raise SignInRefused("OSR could not make an account name for you. Ask the OSR team.")


def _email(claims) -> str:
    email = (claims.get("email") or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _names(claims) -> tuple[str, str]:
    given, family = claims.get("given_name") or "", claims.get("family_name") or ""
    if given or family:
        return given[:150], family[:150]
    return (claims.get("name") or "")[:150], ""


# The views.


def _refuse(request, reason: str) -> HttpResponseRedirect:
    messages.error(request, reason)
    return HttpResponseRedirect(reverse("core:sign_in"))


GENERIC_FAILURE = "Signing in with Microsoft did not work. Try again, or ask the OSR team for help."


@method_decorator(login_not_required, name="dispatch")
class AuthenticateView(OIDCAuthenticationRequestView):
    """Send the browser to Microsoft to sign in."""

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:  # noqa: N802
        return discovery()["authorization_endpoint"]

    def get(self, request):
        if not settings.OSR_OIDC_ENABLED:
            raise Http404("Sign-in with Microsoft is not configured")
        try:
            return super().get(request)
        except ProviderUnavailable as error:
            log.error("Sign-in with Microsoft unavailable: %s", error)
            return _refuse(request, GENERIC_FAILURE)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """Microsoft sends the browser back here with a code to exchange for an ID token."""

    def get(self, request):
        if not settings.OSR_OIDC_ENABLED:
            raise Http404("Sign-in with Microsoft is not configured")
        try:
            return super().get(request)
        except SignInRefused as refusal:
            log.warning("Sign-in with Microsoft refused: %s", refusal)
            return _refuse(request, str(refusal))
        except (
            SuspiciousOperation,
            ProviderUnavailable,
            AccountRefused,
            requests.RequestException,
            jwt.PyJWTError,
        ) as error:
            log.warning("Sign-in with Microsoft failed: %s", error)
            return _refuse(request, GENERIC_FAILURE)

    def login_failure(self):
        return _refuse(self.request, GENERIC_FAILURE)


@checks.register(checks.Tags.security)
def check_oidc_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The group mappings name only roles OSR knows."""
    found: list[checks.CheckMessage] = []
    for group_id, role in settings.OSR_OIDC_GROUP_ROLES:
        if role not in ROLES:
            found.append(
                checks.Error(
                    f"OSR_OIDC_GROUP_ROLES maps {group_id} to unknown role {role!r}",
                    hint=f"Use one of {', '.join(ROLES)}",
                    id="osr.E001",
                )
            )
    default = settings.OSR_OIDC_DEFAULT_ROLE
    if default and default not in ROLES:
        found.append(
            checks.Error(
                f"OSR_OIDC_DEFAULT_ROLE is unknown role {default!r}",
                hint=f"Use one of {', '.join(ROLES)}, or leave it empty to refuse unmapped users",
                id="osr.E002",
            )
        )
    if not settings.OSR_LOCAL_SIGN_IN and not settings.OSR_OIDC_ENABLED:
        found.append(
            checks.Warning(
                "OSR_LOCAL_SIGN_IN is off and Entra ID is not configured: nobody can sign in",
                id="osr.W001",
            )
        )
    return found
