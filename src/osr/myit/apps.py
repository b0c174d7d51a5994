from django.apps import AppConfig


class MyitConfig(AppConfig):
    name = "osr.myit"
    label = "myit"
    verbose_name = "MyIT (ServiceNow)"

    def ready(self) -> None:
        from osr.catalogue.panels import (
            ServicePanel,
            ServiceSection,
            register_service_panel,
            register_service_section,
        )

        from . import audit  # noqa: F401  (registers the models with the audit log)
        from .readiness_checks import register_with_readiness
        from .views import panel_context

        register_service_section(ServiceSection(60, "myit", "MyIT and changes"))
        register_service_panel("myit", ServicePanel(10, "myit/panel.html", panel_context, "myit"))
        register_with_readiness()

        from . import demo  # its part of the demo estate

        demo.register()
