"""User accounts: someone who signs in, with a role and a place in the catalogue.

The catalogue's models are looked up through the app registry because ``core``
sits below ``catalogue`` and never imports it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from .roles import LIVE_SERVICES_MANAGER, OSR_MANAGER, ROLES, assign_role

# A manager joining a delivery group becomes that group's manager of their kind.
MANAGER_FIELD_OF_ROLE = {
    OSR_MANAGER: "osr_manager",
    LIVE_SERVICES_MANAGER: "live_services_manager",
}


class AccountRefused(Exception):
    """An account that cannot be created; the message says why in one line."""


def create_user(
    username: str,
    *,
    role: str,
    groups: Iterable[str] = (),
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    by=None,
):
    """Create a user with a role, their catalogue person and their delivery groups.

    ``groups`` are delivery group slugs; the person becomes a member of each,
    and an OSR manager or live services manager is assigned as that group's
    manager. Without a password the account can sign in only through single
    sign-on. Everything is saved in one audited transaction, or nothing is.
    """
    user_model = get_user_model()
    person_model = apps.get_model("catalogue", "Person")
    group_model = apps.get_model("catalogue", "DeliveryGroup")

    username = username.strip()
    if role not in ROLES:
        raise AccountRefused(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}")
    _check_username(user_model, username)
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise AccountRefused(f"{email!r} is not an email address") from error
    if password is not None and not password:
        raise AccountRefused("The password is empty")
    slugs = list(dict.fromkeys(groups))
    found = {group.slug: group for group in group_model.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise AccountRefused(f"Unknown delivery group: {', '.join(unknown)}")

    user = user_model(username=username, email=email, first_name=first_name, last_name=last_name)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise AccountRefused(" ".join(error.messages)) from error
        user.set_password(password)

    manager_field = MANAGER_FIELD_OF_ROLE.get(role)
    try:
        with transaction.atomic():
            user.save()
            assign_role(user, role)
            person = person_model.objects.create(
                user=user, name=user.get_full_name() or username, email=email
            )
            for slug in slugs:
                group = found[slug]
                group.members.add(person)
                if manager_field:
                    setattr(group, manager_field, person)
                    group.save(update_fields=[manager_field, "updated"])
    except IntegrityError as error:
        # Another process created the same username after the check above.
        raise AccountRefused(f"A user named {username!r} already exists") from error
    return user


def _check_username(user_model, username: str) -> None:
    if not username:
        raise AccountRefused("Enter a username")
    field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    try:
        field.clean(username, None)
    except ValidationError as error:
        raise AccountRefused(f"Username {username!r}: {' '.join(error.messages)}") from error
    if user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).exists():
        raise AccountRefused(f"A user named {username!r} already exists")
