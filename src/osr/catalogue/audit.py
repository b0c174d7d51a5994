"""Every catalogue model is in the audit trail, its many-to-many fields included."""

from osr.core.audit import register

from . import models

register(models.Person, exclude_fields=["created", "updated"])
# The Teams webhook address is a credential: the history says it changed, not what to.
register(
    models.DeliveryGroup,
    m2m_fields={"members"},
    exclude_fields=["created", "updated"],
    mask_fields=["teams_webhook_url"],
)
register(models.Team, m2m_fields={"members"}, exclude_fields=["created", "updated"])
register(models.Service, exclude_fields=["created", "updated"])
register(models.PhaseChange)
register(models.Supplier, exclude_fields=["created", "updated"])
register(models.Component, exclude_fields=["created", "updated"])
register(models.Contract, m2m_fields={"components"}, exclude_fields=["created", "updated"])
register(models.ExternalSystem, exclude_fields=["created", "updated"])
register(models.Dependency, exclude_fields=["created", "updated"])
