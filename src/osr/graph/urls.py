from django.urls import path

from . import views

app_name = "graph"

urlpatterns = [
    path("dependency-map", views.dependency_map, name="map"),
    path("dependency-map/risks", views.findings, name="findings"),
    path("early-warning", views.early_warning, name="early_warning"),
    path("services/<slug:slug>/impact", views.impact, name="impact"),
    path("services/<slug:slug>/impact.csv", views.impact_csv, name="impact_csv"),
    path(
        "services/<slug:slug>/incident-contacts", views.incident_contacts, name="incident_contacts"
    ),
    path("import", views.import_upload, name="import"),
    path("import/apply", views.import_apply, name="import_apply"),
    path("export/catalogue.csv", views.export_catalogue_csv, name="export_csv"),
    path("export/graph.json", views.export_graph, {"fmt": "json"}, name="export_graph_json"),
    path("export/graph.dot", views.export_graph, {"fmt": "dot"}, name="export_graph_dot"),
]
