"""Fixed values of the catalogue. The phase names are public contract."""

from django.db import models


class Phase(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    ALPHA = "alpha", "Alpha"
    PRIVATE_BETA = "private_beta", "Private beta"
    PUBLIC_BETA = "public_beta", "Public beta"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


PHASE_ORDER = [choice.value for choice in Phase]

# Phases in which a service is still being built.
IN_DEVELOPMENT = [Phase.DISCOVERY, Phase.ALPHA, Phase.PRIVATE_BETA, Phase.PUBLIC_BETA]


class SupportHours(models.TextChoices):
    BUSINESS_HOURS = "business_hours", "Business hours"
    ALWAYS = "24_7", "24/7"


class TeamKind(models.TextChoices):
    DELIVERY = "delivery", "Delivery team"
    SUPPORT = "support", "Support team"


class ComponentKind(models.TextChoices):
    WEB_APPLICATION = "web_application", "Web application"
    API = "api", "API"
    DATABASE = "database", "Database"
    QUEUE = "queue", "Queue"
    FILE_STORE = "file_store", "File store"
    IDENTITY = "identity", "Identity"
    SAAS = "saas", "Third-party SaaS"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    OTHER = "other", "Other"


class Hosting(models.TextChoices):
    CDP = "cdp", "Core Delivery Platform"
    AZURE = "azure", "Azure"
    AWS = "aws", "AWS"
    ON_PREMISES = "on_premises", "On premises"
    SAAS = "saas", "SaaS"
    OTHER = "other", "Other"


class DependencyKind(models.TextChoices):
    RUNTIME_API = "runtime_api", "Runtime API call"
    DATA_FEED = "data_feed", "Data feed"
    SHARED_COMPONENT = "shared_component", "Shared component"
    IDENTITY = "identity", "Identity or sign-in"
    OTHER = "other", "Other"
