"""Who may do what with operations profiles and guides: the one place the rules are written.

Editing the profile and generating a version take the same roles as editing
the service. Approving is for the service's group's OSR manager and live
services manager themselves, while they hold those roles; not even an
administrator approves in their place.
"""

import rules

from osr.catalogue.rules import (
    edits_group_of,
    is_admin,
    is_groups_live_services_manager,
    is_groups_osr_manager,
    is_manager,
    is_signed_in,
)

rules.add_perm("guides.view_guide", is_signed_in)
rules.add_perm("guides.change_profile", is_admin | edits_group_of)
rules.add_perm("guides.generate_guide", is_admin | edits_group_of)
rules.add_perm("guides.export_guides", is_admin | is_manager)
# The object is the service.
rules.add_perm("guides.approve_guide", is_groups_osr_manager | is_groups_live_services_manager)
