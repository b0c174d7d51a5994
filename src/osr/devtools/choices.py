"""Fixed values of the developer tooling integrations."""

from django.db import models


class Host(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"
    AZURE_DEVOPS = "azure-devops", "Azure DevOps"


class ChangeRoute(models.TextChoices):
    NORMAL = "normal", "Normal change, assessed and authorised"
    STANDARD = "standard", "Standard change from an approved template"


class ChangeStatus(models.TextChoices):
    QUEUED = "queued", "Being raised"
    RAISED = "raised", "Raised in MyIT"
    FAILED = "failed", "Not raised"
