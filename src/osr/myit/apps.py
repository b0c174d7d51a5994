from django.apps import AppConfig


class MyitConfig(AppConfig):
    name = "osr.myit"
    label = "myit"
    verbose_name = "MyIT (ServiceNow)"
