from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class ReadinessConfig(AppConfig):
    name = "osr.readiness"
    label = "readiness"
    verbose_name = "Readiness"

    def ready(self) -> None:
        from osr.catalogue.panels import (
            ServicePanel,
            ServiceSection,
            register_service_panel,
            register_service_section,
        )
        from osr.catalogue.phase_hooks import register_phase_check
        from osr.core.navigation import NavItem, register_nav

        from . import audit, catalogue_checks, signals, triggers  # noqa: F401  (registrations)
        from .policy import PolicyError, active_policy
        from .services import check_phase_gates
        from .views import service_panel

        # OSR never runs on half a policy: a bad one stops start-up, naming every problem.
        try:
            active_policy()
        except PolicyError as error:
            raise ImproperlyConfigured(f"The readiness policy is refused:\n{error}") from error

        register_phase_check(check_phase_gates)
        triggers.connect()
        register_service_section(ServiceSection(10, "readiness", "Readiness"))
        register_service_panel(
            "readiness-summary", ServicePanel(10, "readiness/summary_panel.html", service_panel)
        )
        register_service_panel(
            "readiness", ServicePanel(10, "readiness/panel.html", service_panel, "readiness")
        )
        from osr.catalogue.panels import GroupPanel, register_group_panel

        from .trends import group_trends
        from .views_plans import forecast_panel

        register_group_panel(
            "readiness-trends", GroupPanel(10, "readiness/group_trends.html", group_trends)
        )

        register_service_panel(
            "readiness-forecast",
            ServicePanel(20, "readiness/forecast_panel.html", forecast_panel, "readiness"),
        )
        register_nav(NavItem(15, "Readiness", "readiness:portfolio", ("/readiness",)))

        from osr.core.metrics import register_gauges

        from .metrics import readiness_gauges

        register_gauges(readiness_gauges)

        from . import home  # its sections of the home page

        home.register()

        from . import home_forecasts

        home_forecasts.register()

        from . import demo, demo_trends  # its parts of the demo estate

        demo.register()
        demo_trends.register()
