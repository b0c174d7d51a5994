"""The developer tooling models in the audit trail; an integration's salt never is."""

from auditlog.registry import auditlog

from . import models

auditlog.register(models.Integration, exclude_fields=["salt", "created", "updated"])
auditlog.register(models.ChangeModel, exclude_fields=["created", "updated"])
auditlog.register(models.ChangeRequest)
