from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "osr.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from osr.core.navigation import NavItem, register_nav

        from . import (
            audit,  # noqa: F401  (registers the models with the audit log)
            sections,
        )

        sections.register()

        # The navigation keeps to one row on a laptop, with room for a long name beside
        # it: delivery groups, suppliers and contracts are reached from the home page and
        # from the services and components that name them.
        register_nav(
            NavItem(10, "Services", "catalogue:services", ("/services", "/delivery-groups"))
        )
        register_nav(NavItem(40, "People", "catalogue:people", ("/people", "/teams")))

        from osr.core.metrics import register_gauges

        from .metrics import service_gauges

        register_gauges(service_gauges)

        from . import home  # its sections of the home page

        home.register()
