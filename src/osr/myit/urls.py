from django.urls import path

from . import views

app_name = "myit"

urlpatterns = [
    path("services/<slug:slug>/myit/sync", views.sync, name="sync"),
    path("services/<slug:slug>/myit/runs", views.runs, name="runs"),
    path("myit/runs/<int:pk>", views.run, name="run"),
    path("myit/check", views.check, name="check"),
]
