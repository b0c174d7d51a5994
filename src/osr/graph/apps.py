from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = "osr.graph"
    label = "graph"
    verbose_name = "Dependency graph"
