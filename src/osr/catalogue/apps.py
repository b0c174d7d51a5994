from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "osr.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers the models with the audit log)
