"""The developer tooling models in the audit trail; what is kept of a secret never is."""

from osr.core.audit import register

from . import models

register(
    models.Integration,
    exclude_fields=["stored_secret", "previous_secret", "created", "updated"],
)
register(models.ChangeModel, exclude_fields=["created", "updated"])
register(models.ChangeRequest)
