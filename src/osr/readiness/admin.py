from django.contrib import admin

from . import models


@admin.register(models.Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["service", "requirement_id", "status", "submitted_by", "submitted_at"]
    list_filter = ["status", "requirement_id"]
    search_fields = ["service__name", "requirement_id"]
    list_select_related = ["service", "submitted_by"]


@admin.register(models.Waiver)
class WaiverAdmin(admin.ModelAdmin):
    list_display = ["service", "requirement_id", "expires_on", "granted_by", "granted_at"]
    list_select_related = ["service", "granted_by"]


@admin.register(models.RequirementEvent)
class RequirementEventAdmin(admin.ModelAdmin):
    list_display = ["service", "requirement_id", "kind", "by", "at"]
    list_filter = ["kind"]
    list_select_related = ["service", "by"]


@admin.register(models.GateDecision)
class GateDecisionAdmin(admin.ModelAdmin):
    list_display = ["service", "from_phase", "to_phase", "forced", "decided_by", "decided_at"]
    list_filter = ["forced"]
    list_select_related = ["service", "decided_by"]


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "requirement_id", "target_date", "started_at", "closed_at"]
    list_select_related = ["started_by"]


@admin.register(models.PhasePlan)
class PhasePlanAdmin(admin.ModelAdmin):
    list_display = ["service", "phase", "planned_on", "recorded_at"]
    list_select_related = ["service"]


@admin.register(models.ReadinessResult)
class ReadinessResultAdmin(admin.ModelAdmin):
    # Derived from evidence, waivers, the catalogue and the policy: shown, never edited.
    list_display = ["service", "ready", "percent", "evaluated_on", "changes_on", "stale"]
    list_filter = ["ready", "stale", "live_data_flagged"]
    list_select_related = ["service"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
