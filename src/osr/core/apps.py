from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "osr.core"
    label = "core"
    verbose_name = "OSR core"

    def ready(self) -> None:
        from django.core import checks

        from . import oidc  # noqa: F401 (registers its system check and audit)
        from .audit import connect as attribute_audit_entries
        from .auditchain import connect as seal_audit_entries
        from .deploy_checks import check_deployment
        from .locked_rows import connect as forget_saved_rows
        from .tokens import audit  # noqa: F401 (registers API tokens in the audit trail)

        checks.register(check_deployment, checks.Tags.security, deploy=True)

        # Attribution first: an entry is sealed with its actor.
        attribute_audit_entries()
        forget_saved_rows()
        seal_audit_entries()
        # The audit trail has no place in the navigation, which keeps to one row on a
        # laptop: the home page links to it, and each object's page to its own history.
