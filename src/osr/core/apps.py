from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "osr.core"
    label = "core"
    verbose_name = "OSR core"

    def ready(self) -> None:
        from .navigation import NavItem, register_nav

        register_nav(NavItem(90, "Audit trail", "core:audit", ("/audit",)))
