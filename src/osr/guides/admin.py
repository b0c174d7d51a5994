from django.contrib import admin

from . import models


@admin.register(models.OperationsProfile)
class OperationsProfileAdmin(admin.ModelAdmin):
    list_display = ["service", "updated"]
    search_fields = ["service__name", "service__slug"]


@admin.register(models.GuideVersion)
class GuideVersionAdmin(admin.ModelAdmin):
    list_display = ["service", "number", "complete", "generated_at", "approved_at"]
    search_fields = ["service__name", "service__slug"]
    readonly_fields = [f.name for f in models.GuideVersion._meta.fields]

    def has_change_permission(self, request, obj=None) -> bool:
        # Versions change only through approval, which has its own pages.
        return False


@admin.register(models.GuideExport)
class GuideExportAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "requested_by", "status", "done", "total"]
