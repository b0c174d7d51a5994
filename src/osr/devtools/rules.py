"""Who may link code hosts to a service and set its change model: whoever may edit it."""

import rules

from osr.catalogue.rules import edits_group_of, is_admin, is_signed_in

rules.add_perm("devtools.view_integration", is_signed_in)
rules.add_perm("devtools.add_integration", is_admin | edits_group_of)
rules.add_perm("devtools.change_integration", is_admin | edits_group_of)
rules.add_perm("devtools.delete_integration", is_admin | edits_group_of)
rules.add_perm("devtools.change_changemodel", is_admin | edits_group_of)
rules.add_perm("devtools.view_changerequest", is_signed_in)
rules.add_perm("devtools.retry_changerequest", is_admin | edits_group_of)
rules.add_perm("devtools.add_changerequest", is_admin | edits_group_of)
rules.add_perm("devtools.precheck_service", is_signed_in)
