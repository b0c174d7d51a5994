from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "osr.core"
    label = "core"
    verbose_name = "OSR core"
