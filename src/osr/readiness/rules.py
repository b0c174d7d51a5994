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
