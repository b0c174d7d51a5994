from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created", "last_used"]
    readonly_fields = ["key_hash", "prefix", "created", "last_used"]
