"""The profile, each version's approvals and each export are in the audit trail.

A version's stored document is left out of its entries: it never changes after
generation, and the version itself keeps it.
"""

from osr.core.audit import register

from . import models

register(models.OperationsProfile, exclude_fields=["updated"])
register(models.GuideVersion, exclude_fields=["data"])
register(models.GuideExport, exclude_fields=["done"])
