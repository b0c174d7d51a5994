from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "osr.guides"
    label = "guides"
    verbose_name = "Service operations guides"
