"""Surveys in the admin: read-only records (managers build surveys on the Surveys pages)."""

from django.contrib import admin

from .models import Survey, SurveyResponse, SurveySend


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "records_nps", "updated_at"]
    search_fields = ["name", "key"]

    def has_add_permission(self, request) -> bool:
        return False  # built on the Surveys pages, so every edit keeps the versions right

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SurveySend)
class SurveySendAdmin(admin.ModelAdmin):
    list_display = ["version", "account", "contact", "created_at"]
    list_select_related = ["version__survey", "account", "contact"]
    raw_id_fields = ["account", "contact"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["version", "account", "contact", "submitted_at"]
    list_select_related = ["version__survey", "account", "contact"]
    raw_id_fields = ["account", "contact", "send", "feedback"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
