"""Admin for scoring: edit rules and thresholds; the ledger is read-only."""

from django.contrib import admin
from django.http import HttpRequest

from core.admin import HistoryAdmin

from .models import MilestoneAchievement, MilestoneLevel, ScoreEntry, ScoringRules


@admin.register(ScoringRules)
class ScoringRulesAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "feature_session_minutes",
        "payment_points",
        "appointment_attended_points",
        "affiliate_threshold",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ScoringRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(MilestoneLevel)
class MilestoneLevelAdmin(admin.ModelAdmin):
    list_display = ["milestone", "threshold"]
    list_editable = ["threshold"]


@admin.register(ScoreEntry)
class ScoreEntryAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "points", "reason", "source", "cause_display"]
    list_filter = ["source", "cause_kind"]
    search_fields = ["account__name", "account__external_id", "reason", "idempotency_key"]
    list_select_related = ["account", "cause_user"]
    date_hierarchy = "created_at"


@admin.register(MilestoneAchievement)
class MilestoneAchievementAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "milestone", "score", "cause_display"]
    list_filter = ["milestone"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "cause_user"]
