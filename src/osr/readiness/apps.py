from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "osr.readiness"
    label = "readiness"
    verbose_name = "Readiness"
