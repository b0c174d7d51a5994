from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "osr.reviews"
    label = "reviews"
    verbose_name = "Review boards"

    def ready(self) -> None:
        from osr.catalogue.panels import (
            ServicePanel,
            ServiceSection,
            register_service_panel,
            register_service_section,
        )
        from osr.core.navigation import NavItem, register_nav

        from . import audit  # noqa: F401  (registers the models with the audit log)
        from .readiness_checks import register_with_readiness
        from .views.panels import board_panel, rehearsals_panel

        register_with_readiness()
        register_service_section(ServiceSection(50, "review-board", "Review board"))
        register_service_panel(
            "reviews", ServicePanel(10, "reviews/panel.html", board_panel, "review-board")
        )
        register_service_panel(
            "board-need", ServicePanel(12, "reviews/need_panel.html", board_panel)
        )
        # Rehearsals try out the operations guide's procedures, so they sit beside it.
        register_service_panel(
            "rehearsals",
            ServicePanel(40, "reviews/rehearsals_panel.html", rehearsals_panel, "operations"),
        )
        register_nav(NavItem(18, "Review boards", "reviews:boards", ("/review-boards", "/actions")))

        from . import home  # its sections of the home page

        home.register()

        from . import demo  # its part of the demo estate

        demo.register()
