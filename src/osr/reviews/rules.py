"""Who may do what with review boards: the one place the rules are written.

OSR managers schedule, reschedule, cancel and chair boards for the delivery
groups they are assigned to, and record a board's outcomes and notes; the
panel's members assess; a service's own people record its rehearsals; an
action's owner, or the group's managers, close it. Pages, the API
and the CLI ask ``user.has_perm("reviews.<action>", obj)``.
"""

import rules

from osr.catalogue.rules import (
    edits_group_of,
    is_admin,
    is_groups_osr_manager,
    is_signed_in,
    manages_group_of,
)
from osr.core.roles import OSR_MANAGER, roles_of


@rules.predicate
def is_osr_manager(user) -> bool:
    return OSR_MANAGER in roles_of(user)


def _person_id(user):
    person = getattr(user, "person", None) if user.is_authenticated else None
    return getattr(person, "pk", None)


@rules.predicate
def sits_on_panel(user, board) -> bool:
    """The user is one of the board's panel members."""
    person_id = _person_id(user)
    if board is None or person_id is None:
        return False
    return any(member.person_id == person_id for member in board.panel.all())


@rules.predicate
def chairs(user, board) -> bool:
    person_id = _person_id(user)
    return board is not None and person_id is not None and board.chair_id == person_id


@rules.predicate
def owns_action(user, action) -> bool:
    person_id = _person_id(user)
    return action is not None and person_id is not None and action.owner_id == person_id


rules.add_perm("reviews.view_reviewboard", is_signed_in)
# The object is the delivery group (None: any group the user leads).
rules.add_perm("reviews.add_reviewboard", is_admin | is_groups_osr_manager)
rules.add_perm("reviews.change_reviewboard", is_admin | is_groups_osr_manager)
# The object is the service put on (or taken off) a board's agenda.
rules.add_perm("reviews.add_agendaitem", is_admin | is_groups_osr_manager)
rules.add_perm("reviews.assess", sits_on_panel)
# The object is the board: rescheduled or cancelled before it meets.
rules.add_perm("reviews.reschedule_board", is_admin | is_groups_osr_manager)
rules.add_perm("reviews.cancel_board", is_admin | is_groups_osr_manager)
# A chair keeps the right to record the outcome only while still an OSR manager.
records_board = is_admin | (is_osr_manager & chairs) | is_groups_osr_manager
rules.add_perm("reviews.record_outcome", records_board)
# Whoever records the outcomes records, and corrects, the board's notes and attendance.
rules.add_perm("reviews.record_notes", records_board)
rules.add_perm("reviews.view_action", is_signed_in)
rules.add_perm("reviews.close_action", is_admin | owns_action | manages_group_of)
rules.add_perm("reviews.view_rehearsal", is_signed_in)
# The object is the service.
rules.add_perm("reviews.add_rehearsal", is_admin | edits_group_of)
rules.add_perm("reviews.raise_action", is_admin | edits_group_of)
