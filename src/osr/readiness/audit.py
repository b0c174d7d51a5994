"""Every readiness model is in the audit trail."""

from auditlog.registry import auditlog

from . import models

auditlog.register(models.Evidence)
auditlog.register(models.Waiver)
auditlog.register(models.RequirementEvent)
auditlog.register(models.GateDecision)
# Campaigns and planned dates are decisions people make; snapshots are derived, not audited.
auditlog.register(models.PhasePlan)
auditlog.register(models.Campaign)
