"""Every review board model is in the audit trail."""

from osr.core.audit import register

from . import models

register(models.ReviewBoard, exclude_fields=["created", "updated"])
register(models.PanelMember)
register(models.BoardChange)
register(models.AgendaItem, exclude_fields=["created", "updated", "pack"])
register(models.Decision)
register(models.Assessment, exclude_fields=["created", "updated"])
register(models.CriterionRating)
register(models.Action, exclude_fields=["created", "updated"])
register(models.Rehearsal, exclude_fields=["created", "updated"])
register(models.Finding)
