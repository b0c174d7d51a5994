"""Every review board model is in the audit trail."""

from auditlog.registry import auditlog

from . import models

auditlog.register(models.ReviewBoard, exclude_fields=["created", "updated"])
auditlog.register(models.PanelMember)
auditlog.register(models.BoardChange)
auditlog.register(models.AgendaItem, exclude_fields=["created", "updated", "pack"])
auditlog.register(models.Decision)
auditlog.register(models.Assessment, exclude_fields=["created", "updated"])
auditlog.register(models.CriterionRating)
auditlog.register(models.Action, exclude_fields=["created", "updated"])
auditlog.register(models.Rehearsal, exclude_fields=["created", "updated"])
auditlog.register(models.Finding)
