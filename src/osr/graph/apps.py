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
        # A served OSR's workers start with the graph's index, built before they fork.
        from osr.core.warmup import register_warmup

        from .kept_index import current_index

        register_warmup(current_index)
        # The early warning register, import and export are reached from the map's page,
        # so the navigation keeps to one row on a laptop.
        register_nav(
            NavItem(
                50,
                "Dependency map",
                "graph:map",
                ("/dependency-map", "/early-warning", "/import", "/export"),
            )
        )
        register_service_panel(
            "graph", ServicePanel(5, "graph/panel.html", service_panel, "dependencies")
        )
