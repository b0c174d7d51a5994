"""The developer tooling models in the audit trail; what is kept of a secret never is."""

from auditlog.registry import auditlog

from . import models

auditlog.register(
    models.Integration,
    exclude_fields=["stored_secret", "previous_secret", "created", "updated"],
)
auditlog.register(models.ChangeModel, exclude_fields=["created", "updated"])
auditlog.register(models.ChangeRequest)
