from django.contrib import admin

from . import models

for model in [
    models.ReviewBoard,
    models.PanelMember,
    models.BoardChange,
    models.AgendaItem,
    models.Decision,
    models.Assessment,
    models.Action,
    models.Rehearsal,
    models.Finding,
]:
    admin.site.register(model)
