from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "osr.devtools"
    label = "devtools"
    verbose_name = "Developer tooling"
