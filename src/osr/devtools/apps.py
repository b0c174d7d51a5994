from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "osr.devtools"
    label = "devtools"
    verbose_name = "Developer tooling"

    def ready(self) -> None:
        from osr.catalogue.panels import ServicePanel, register_service_panel

        from . import (
            audit,  # noqa: F401  (registers the models with the audit log)
            checks,  # noqa: F401  (registers the webhook key checks)
        )
        from .readiness_checks import register_with_readiness
        from .views import panel_context

        # Changes raised from code hosts go to MyIT, so they are shown with it.
        register_service_panel(
            "devtools", ServicePanel(20, "devtools/panel.html", panel_context, "myit")
        )
        register_with_readiness()

        from osr.graph.suspects import register_change_source

        from .estate import recorded_since
        from .views import coming_changes_context

        # Next to the graph's panel: what could break the live service soon.
        register_service_panel(
            "devtools-coming",
            ServicePanel(6, "devtools/coming_panel.html", coming_changes_context, "dependencies"),
        )
        # The incident contacts page lists recent changes as suspects.
        register_change_source("devtools", recorded_since)

        from . import home  # its sections of the home page

        home.register()

        from . import demo  # its part of the demo estate

        demo.register()
