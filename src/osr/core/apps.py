from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "osr.core"
    label = "core"
    verbose_name = "OSR core"

    def ready(self) -> None:
        from . import oidc  # noqa: F401 (registers its system check and audit)
        from .auditchain import connect as seal_audit_entries
        from .navigation import NavItem, register_nav

        seal_audit_entries()

        register_nav(NavItem(90, "Audit trail", "core:audit", ("/audit",)))
