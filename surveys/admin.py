"""Surveys in the admin: read-only records (managers build surveys on the Surveys pages,
so every edit keeps the versions right; sends and responses are the customers')."""

from django.contrib import admin

from .models import Survey, SurveyResponse, SurveySend


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnly):
    list_display = ["name", "key", "records_nps", "updated_at"]
    search_fields = ["name", "key"]


@admin.register(SurveySend)
class SurveySendAdmin(ReadOnly):
    list_display = ["version", "account", "contact", "created_at"]
    list_select_related = ["version__survey", "account", "contact"]
    raw_id_fields = ["account", "contact"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnly):
    list_display = ["version", "account", "contact", "submitted_at"]
    list_select_related = ["version__survey", "account", "contact"]
    raw_id_fields = ["account", "contact", "send", "feedback"]
