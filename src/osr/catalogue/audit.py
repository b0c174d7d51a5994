"""Every catalogue model is in the audit trail, its many-to-many fields included."""

from auditlog.registry import auditlog

from . import models

auditlog.register(models.Person, exclude_fields=["created", "updated"])
# The Teams webhook address is a credential: the history says it changed, not what to.
auditlog.register(
    models.DeliveryGroup,
    m2m_fields={"members"},
    exclude_fields=["created", "updated"],
    mask_fields=["teams_webhook_url"],
)
auditlog.register(models.Team, m2m_fields={"members"}, exclude_fields=["created", "updated"])
auditlog.register(models.Service, exclude_fields=["created", "updated"])
auditlog.register(models.PhaseChange)
auditlog.register(models.Supplier, exclude_fields=["created", "updated"])
auditlog.register(models.Component, exclude_fields=["created", "updated"])
auditlog.register(models.Contract, m2m_fields={"components"}, exclude_fields=["created", "updated"])
auditlog.register(models.ExternalSystem, exclude_fields=["created", "updated"])
auditlog.register(models.Dependency, exclude_fields=["created", "updated"])
