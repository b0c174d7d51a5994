"""Every readiness model is in the audit trail."""

from auditlog.registry import auditlog

from . import models

auditlog.register(models.Evidence)
auditlog.register(models.Waiver)
auditlog.register(models.RequirementEvent)
auditlog.register(models.GateDecision)
