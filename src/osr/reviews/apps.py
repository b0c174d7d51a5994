from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "osr.reviews"
    label = "reviews"
    verbose_name = "Review boards"

    def ready(self) -> None:
        from osr.catalogue.panels import ServicePanel, register_service_panel
        from osr.core.navigation import NavItem, register_nav

        from . import audit  # noqa: F401  (registers the models with the audit log)
        from .readiness_checks import register_with_readiness
        from .views.panels import board_panel, rehearsals_panel

        register_with_readiness()
        register_service_panel("reviews", ServicePanel(12, "reviews/panel.html", board_panel))
        register_service_panel(
            "rehearsals", ServicePanel(40, "reviews/rehearsals_panel.html", rehearsals_panel)
        )
        register_nav(NavItem(18, "Review boards", "reviews:boards", ("/review-boards", "/actions")))
