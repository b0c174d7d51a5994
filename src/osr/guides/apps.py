from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "osr.guides"
    label = "guides"
    verbose_name = "Service operations guides"

    def ready(self) -> None:
        from osr.catalogue.panels import ServicePanel, register_service_panel

        from . import audit  # noqa: F401  (registrations)
        from .readiness_checks import register_with_readiness
        from .views import service_panel

        register_with_readiness()
        register_service_panel("guides", ServicePanel(30, "guides/panel.html", service_panel))
