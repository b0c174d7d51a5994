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


class Verdict(models.TextChoices):
    """A pre-check's answer; ``exit_code`` is what ``osr precheck`` exits with."""

    PROCEED = "proceed", "Proceed"
    NORMAL = "normal", "Proceed with the normal route"
    STOP = "stop", "Stop"

    @property
    def exit_code(self) -> int:
        return {"proceed": 0, "normal": 1, "stop": 2}[self.value]
