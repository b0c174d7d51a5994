from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "osr.guides"
    label = "guides"
    verbose_name = "Service operations guides"

    def ready(self) -> None:
        from osr.catalogue.panels import (
            ServicePanel,
            ServiceSection,
            register_service_panel,
            register_service_section,
        )

        from . import audit  # noqa: F401  (registrations)
        from .readiness_checks import register_with_readiness
        from .views import service_panel

        register_with_readiness()
        register_service_section(ServiceSection(40, "operations", "Operations guide"))
        register_service_panel(
            "guides", ServicePanel(10, "guides/panel.html", service_panel, "operations")
        )

        from . import home  # its sections of the home page

        home.register()

        from . import demo  # its part of the demo estate

        demo.register()
