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
