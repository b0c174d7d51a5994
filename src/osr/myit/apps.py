from django.apps import AppConfig


class MyitConfig(AppConfig):
    name = "osr.myit"
    label = "myit"
    verbose_name = "MyIT (ServiceNow)"

    def ready(self) -> None:
        from osr.catalogue.panels import ServicePanel, register_service_panel

        from . import audit  # noqa: F401  (registers the models with the audit log)
        from .readiness_checks import register_with_readiness
        from .views import panel_context

        register_service_panel("myit", ServicePanel(60, "myit/panel.html", panel_context))
        register_with_readiness()
