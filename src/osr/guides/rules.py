"""Who may do what with operations profiles and guides: the one place the rules are written.

Editing the profile and generating a version take the same roles as editing
the service. Approving is for the service's group's OSR manager and live
services manager only (``services.approver_roles``), so no rule grants it here.
"""

import rules

from osr.catalogue.rules import edits_group_of, is_admin, is_manager, is_signed_in

rules.add_perm("guides.view_guide", is_signed_in)
rules.add_perm("guides.change_profile", is_admin | edits_group_of)
rules.add_perm("guides.generate_guide", is_admin | edits_group_of)
rules.add_perm("guides.export_guides", is_admin | is_manager)
