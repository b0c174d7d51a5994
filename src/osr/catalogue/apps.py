from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "osr.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from osr.core.navigation import NavItem, register_nav

        from . import audit  # noqa: F401  (registers the models with the audit log)

        register_nav(NavItem(10, "Services", "catalogue:services", ("/services",)))
        register_nav(NavItem(20, "Delivery groups", "catalogue:groups", ("/delivery-groups",)))
        register_nav(NavItem(30, "Suppliers", "catalogue:suppliers", ("/suppliers", "/contracts")))
        register_nav(NavItem(40, "People", "catalogue:people", ("/people", "/teams")))

        from osr.core.metrics import register_gauges

        from .metrics import service_gauges

        register_gauges(service_gauges)
