"""Who may do what with readiness: the one place the rules are written.

Pages, the API and the CLI ask ``user.has_perm("readiness.<action>", obj)``
where the object is a service, or evidence (which belongs to a service).
"""

import rules

from osr.catalogue.rules import edits_group_of, is_admin, is_groups_osr_manager, is_signed_in

rules.add_perm("readiness.view_readiness", is_signed_in)
rules.add_perm("readiness.view_evidence", is_signed_in)
rules.add_perm("readiness.submit_evidence", is_admin | edits_group_of)
rules.add_perm("readiness.verify_evidence", is_admin | is_groups_osr_manager)
rules.add_perm("readiness.reject_evidence", is_admin | is_groups_osr_manager)
rules.add_perm("readiness.waive_requirement", is_admin | is_groups_osr_manager)


@rules.predicate
def started_campaign(user, campaign) -> bool:
    return campaign is not None and campaign.started_by_id == user.pk


# An OSR manager starts campaigns over the groups they manage; over every group, an administrator.
rules.add_perm("readiness.start_campaign", is_admin | is_groups_osr_manager)
rules.add_perm("readiness.start_estate_campaign", is_admin)
rules.add_perm("readiness.close_campaign", is_admin | started_campaign)
rules.add_perm("readiness.remind_campaign", is_admin | started_campaign)
rules.add_perm("readiness.plan_phase", is_admin | edits_group_of)
rules.add_perm("readiness.compare_policies", is_admin)
