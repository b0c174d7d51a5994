"""The MyIT models in the audit trail.

A ``SyncRun`` records who asked for a sync and what it wrote. The sys_ids a
sync stores (``MyitRecord``) and what it read back (``MyitSnapshot``) are
bookkeeping of MyIT's own state, written in bulk by the sync: the run that
wrote them is their audit trail.
"""

from osr.core.audit import register

from . import models

# Who asked for which sync is audited; its progress and result are kept on the run itself.
register(models.SyncRun, include_fields=["service", "dry_run", "requested_by"])
