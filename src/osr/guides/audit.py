"""The profile, each version's approvals and each export are in the audit trail.

A version's stored document is left out of its entries: it never changes after
generation, and the version itself keeps it.
"""

from auditlog.registry import auditlog

from . import models

auditlog.register(models.OperationsProfile, exclude_fields=["updated"])
auditlog.register(models.GuideVersion, exclude_fields=["data"])
auditlog.register(models.GuideExport, exclude_fields=["done"])
