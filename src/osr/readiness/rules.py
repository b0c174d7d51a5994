"""Who may do what with readiness: the one place the rules are written.

Pages, the API and the CLI ask ``user.has_perm("readiness.<action>", obj)``
where the object is a service, or evidence (which belongs to a service).
"""

import rules

from osr.catalogue.models import DeliveryGroup
from osr.catalogue.rules import edits_group_of, is_admin, is_signed_in
from osr.core.roles import OSR_MANAGER, roles_of


def osr_managed_group_ids(user) -> frozenset[int]:
    """The delivery groups whose assigned OSR manager is this user, read once per user."""
    cached = getattr(user, "_osr_managed_group_ids", None)
    if cached is not None:
        return cached
    ids: frozenset[int] = frozenset()
    # The assignment counts only while the account still holds the OSR manager role.
    if user.is_authenticated and OSR_MANAGER in roles_of(user):
        ids = frozenset(
            DeliveryGroup.objects.filter(osr_manager__user=user).values_list("id", flat=True)
        )
    user._osr_managed_group_ids = ids
    return ids


@rules.predicate
def is_groups_osr_manager(user, obj) -> bool:
    """The user is the OSR manager assigned to the delivery group the object belongs to."""
    if obj is None:
        return bool(osr_managed_group_ids(user))
    group_id = obj.pk if isinstance(obj, DeliveryGroup) else obj.owning_group_id
    return group_id in osr_managed_group_ids(user)


rules.add_perm("readiness.view_readiness", is_signed_in)
rules.add_perm("readiness.view_evidence", is_signed_in)
rules.add_perm("readiness.submit_evidence", is_admin | edits_group_of)
rules.add_perm("readiness.verify_evidence", is_admin | is_groups_osr_manager)
rules.add_perm("readiness.reject_evidence", is_admin | is_groups_osr_manager)
rules.add_perm("readiness.waive_requirement", is_admin | is_groups_osr_manager)
