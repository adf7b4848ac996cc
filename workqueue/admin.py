"""Admin for the work queue: signal types (with their checklists) and the detectors'
thresholds are edited here; signals, their history and touches change through services."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.admin import HistoryAdmin, ReadOnlyInline

from .models import Signal, SignalEvent, SignalRules, SignalType, TaskTemplate, Touch


class TaskTemplateForm(forms.ModelForm):
    class Meta:
        model = TaskTemplate
        fields = ["position", "title", "due_in_days", "assign_to", "assignee"]

    def clean(self):
        data = super().clean()
        if data.get("assign_to") == "named" and not data.get("assignee"):
            self.add_error("assignee", "Name the user, or assign to the signal's owner.")
        return data


class TaskTemplateInline(admin.TabularInline):
    model = TaskTemplate
    form = TaskTemplateForm
    extra = 0


class OutcomesField(forms.CharField):
    """The type's outcomes, one a line (stored as a JSON list)."""

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines()]
        return [line for line in lines if line]


class SignalTypeForm(forms.ModelForm):
    outcomes = OutcomesField(widget=forms.Textarea(attrs={"rows": 4}), help_text="One a line.")

    class Meta:
        model = SignalType
        fields = [
            "reason", "kind", "title", "priority", "due_in_days", "next_step", "outcomes",
            "is_active",
        ]  # fmt: skip

    def clean_outcomes(self):
        outcomes = self.cleaned_data["outcomes"]
        if not outcomes:
            raise forms.ValidationError("A signal closes with an outcome: give at least one.")
        return outcomes


@admin.register(SignalType)
class SignalTypeAdmin(admin.ModelAdmin):
    form = SignalTypeForm
    list_display = ["title", "reason", "kind", "priority", "due_in_days", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [TaskTemplateInline]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # signals keep their type; switch it off instead


@admin.register(SignalRules)
class SignalRulesAdmin(admin.ModelAdmin):
    """The one row of detector thresholds: read on every run, so a change applies next hour."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SignalRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class SignalEventInline(ReadOnlyInline):
    model = SignalEvent
    fields = ["created_at", "action", "data", "cause_kind", "cause_user", "cause_reason"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Signal)
class SignalAdmin(HistoryAdmin):
    list_display = ["title", "account", "kind", "status", "owner", "priority", "due_at", "outcome"]
    list_filter = ["kind", "status", "reason"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "owner"]
    inlines = [SignalEventInline]


@admin.register(Touch)
class TouchAdmin(HistoryAdmin):
    list_display = ["happened_at", "account", "kind", "author", "outcome"]
    list_filter = ["kind"]
    search_fields = ["account__name"]
    list_select_related = ["account", "author"]
