from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "osr.devtools"
    label = "devtools"
    verbose_name = "Developer tooling"

    def ready(self) -> None:
        from osr.catalogue.panels import ServicePanel, register_service_panel

        from . import audit  # noqa: F401  (registers the models with the audit log)
        from .readiness_checks import register_with_readiness
        from .views import panel_context

        register_service_panel("devtools", ServicePanel(70, "devtools/panel.html", panel_context))
        register_with_readiness()
