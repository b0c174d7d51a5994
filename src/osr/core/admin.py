from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from . import ratelimit
from .models import (
    ApiToken,
    AuditSeal,
    DailyRun,
    ExternalIdentity,
    Notification,
    NotificationPreference,
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "read_only", "created", "last_used", "expires_on"]
    list_filter = ["read_only"]
    readonly_fields = ["key_hash", "prefix", "created", "last_used", "revoked_at", "revoked_by"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "issuer", "created", "last_sign_in"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["created", "last_sign_in"]


# The audit trail is read-only in the admin too: no adding, changing or deleting.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditSeal)
class AuditSealAdmin(admin.ModelAdmin):
    list_display = ["sequence", "log_entry", "hash"]
    list_select_related = ["log_entry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "recipient_name", "status", "attempts"]
    list_filter = ["status", "kind", "channel", "digest"]
    search_fields = ["recipient", "subject"]
    # The outbox is written by the hand-offs and the worker only.
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "frequency"]
    list_filter = ["kind", "frequency"]


@admin.register(DailyRun)
class DailyRunAdmin(admin.ModelAdmin):
    list_display = ["day", "job", "finished_at"]
    readonly_fields = ["job", "day", "finished_at", "result"]


# Users keep Django's admin, with an action to lift the sign-in limits of the chosen.
admin.site.unregister(get_user_model())


@admin.action(description="Lift the sign-in limits of the selected users")
def lift_sign_in_limits(modeladmin, request, queryset):
    names = [user.get_username() for user in queryset]
    for name in names:
        ratelimit.lift_limits(name)
    modeladmin.message_user(
        request, f"Sign-in limits lifted for {', '.join(names)}", messages.SUCCESS
    )


@admin.register(get_user_model())
class OsrUserAdmin(UserAdmin):
    actions = [lift_sign_in_limits]
