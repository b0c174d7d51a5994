"""Every readiness model is in the audit trail."""

from osr.core.audit import register

from . import models

register(models.Evidence)
register(models.Waiver)
register(models.RequirementEvent)
register(models.GateDecision)
# Campaigns and planned dates are decisions people make; snapshots are derived, not audited.
register(models.PhasePlan)
register(models.Campaign)
