"""Who may sync a service to MyIT (whoever may edit the service), and check MyIT."""

import rules

from osr.catalogue.rules import edits_group_of, is_admin, is_signed_in

rules.add_perm("myit.sync_service", is_admin | edits_group_of)
rules.add_perm("myit.view_syncrun", is_signed_in)
# Checking MyIT's tables, fields and OSR's access reads MyIT's dictionary: administrators.
rules.add_perm("myit.check_myit", is_admin)
