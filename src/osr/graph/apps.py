from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = "osr.graph"
    label = "graph"
    verbose_name = "Dependency graph"

    def ready(self) -> None:
        from osr.catalogue.panels import ServicePanel, register_service_panel
        from osr.core.navigation import NavItem, register_nav

        from . import signals
        from .panels import service_panel

        signals.connect()
        register_nav(
            NavItem(50, "Dependency map", "graph:map", ("/dependency-map", "/import", "/export"))
        )
        register_nav(NavItem(55, "Early warning", "graph:early_warning", ("/early-warning",)))
        register_service_panel("graph", ServicePanel(60, "graph/panel.html", service_panel))
