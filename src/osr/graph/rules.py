"""Who may import the catalogue: an import writes across every delivery group and
registers services in the phase their source gives, so it is an administrator's."""

import rules

from osr.catalogue.rules import is_admin, is_signed_in

rules.add_perm("graph.import_catalogue", is_admin)
rules.add_perm("graph.export_catalogue", is_signed_in)
