"""Who may do what with OSR's shared machinery: the one place those rules are written."""

import rules

from .roles import is_administrator


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated


@rules.predicate
def administers_osr(user) -> bool:
    return is_administrator(user)


# Each person chooses how often they hear of each kind of notification: their own only.
rules.add_perm("core.change_own_notification_settings", is_signed_in)
# The outbox names who was told what: for administrators.
rules.add_perm("core.view_outbox", administers_osr)


@rules.predicate
def holds_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


# Each person issues and revokes their own API tokens; an administrator sees and
# revokes anyone's.
rules.add_perm("core.manage_own_api_tokens", is_signed_in)
rules.add_perm("core.revoke_api_token", is_signed_in & (holds_token | administers_osr))
rules.add_perm("core.view_all_api_tokens", administers_osr)
