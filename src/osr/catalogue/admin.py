from django.contrib import admin

from . import models

for model in [
    models.Person,
    models.DeliveryGroup,
    models.Team,
    models.Service,
    models.PhaseChange,
    models.Supplier,
    models.Component,
    models.Contract,
    models.ExternalSystem,
    models.Dependency,
]:
    admin.site.register(model)
