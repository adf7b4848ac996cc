"""Admin for activity: the feature catalogue is edited here; facts are read-only;
tasks and appointments change through their services."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import HistoryAdmin, apply_to_each
from core.causes import Cause
from core.money import format_money

from .models import (
    Appointment,
    Feature,
    FeatureSession,
    Feedback,
    Login,
    Payment,
    StatusChange,
    Task,
    TaskSource,
)
from .services import appointments, tasks


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "points", "not_used_days", "is_active"]
    list_editable = ["points", "not_used_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"key": ["name"]}


@admin.register(Login)
class LoginAdmin(HistoryAdmin):
    list_display = ["occurred_at", "account", "cause_display"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "cause_user"]
    date_hierarchy = "occurred_at"


@admin.register(FeatureSession)
class FeatureSessionAdmin(HistoryAdmin):
    list_display = ["started_at", "account", "feature", "minutes"]
    list_filter = ["feature"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "feature"]
    date_hierarchy = "started_at"


@admin.register(Payment)
class PaymentAdmin(HistoryAdmin):
    list_display = ["occurred_at", "account", "amount_display", "status", "external_id"]
    list_filter = ["status", "currency"]
    search_fields = ["account__name", "account__external_id", "external_id"]
    list_select_related = ["account"]
    date_hierarchy = "occurred_at"

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj: Payment) -> str:
        return format_money(obj.amount, obj.currency)


@admin.register(Feedback)
class FeedbackAdmin(HistoryAdmin):
    list_display = ["submitted_at", "account", "contact", "nps", "comment"]
    list_filter = ["nps"]
    search_fields = ["account__name", "comment"]
    list_select_related = ["account", "contact"]
    date_hierarchy = "submitted_at"


@admin.register(StatusChange)
class StatusChangeAdmin(HistoryAdmin):
    list_display = [
        "created_at",
        "appointment",
        "task",
        "from_status",
        "to_status",
        "cause_display",
    ]
    list_filter = ["to_status", "cause_kind"]
    list_select_related = ["appointment__account", "task", "cause_user"]


@admin.register(Appointment)
class AppointmentAdmin(HistoryAdmin):
    list_display = ["starts_at", "account", "kind", "assignee", "status"]
    list_filter = ["status", "kind", ("assignee", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["account__name", "account__external_id", "external_id"]
    list_select_related = ["account", "assignee"]
    date_hierarchy = "starts_at"
    actions = ["mark_attended", "mark_no_show", "cancel"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Needed for the actions; the form itself stays read-only.
        return obj is None and request.user.has_perm("activity.change_appointment")

    @admin.action(description="Mark attended", permissions=["change"])
    def mark_attended(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, c: appointments.mark_appointment_attended(appointment=a, cause=c),
            "Marked attended",
        )

    @admin.action(description="Mark no-show", permissions=["change"])
    def mark_no_show(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, c: appointments.mark_appointment_no_show(appointment=a, cause=c),
            "Marked no-show",
        )

    @admin.action(description="Cancel", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, c: appointments.cancel_appointment(appointment=a, cause=c),
            "Cancelled",
        )


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "priority", "due_at", "assignee", "status", "source"]
    list_filter = ["status", "priority", "source", ("assignee", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "account__name", "account__external_id"]
    list_select_related = ["account", "assignee"]
    autocomplete_fields = ["account", "assignee"]
    fields = ["account", "title", "details", "priority", "due_at", "assignee", "status", "source"]
    readonly_fields = ["status", "source"]
    actions = ["resolve"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [*self.readonly_fields, *(["account"] if obj else [])]

    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Task, form, change: bool) -> None:
        """New tasks are opened through the service, so the engine hears of them."""
        cause = Cause.by_user(request.user, "edited in the admin")
        if change:
            tasks.update_task(
                task=obj,
                cause=cause,
                **{
                    f: form.cleaned_data[f]
                    for f in form.changed_data
                    if f in tasks.TASK_EDITABLE_FIELDS
                },
            )
            return
        task, _ = tasks.create_task(
            account=obj.account,
            title=obj.title,
            details=obj.details,
            priority=obj.priority,
            due_at=obj.due_at,
            assignee=obj.assignee,
            source=TaskSource.STAFF,
            cause=cause,
        )
        obj.pk = task.pk

    @admin.action(description="Mark done", permissions=["change"])
    def resolve(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply_to_each(
            self, request, queryset, lambda t, c: tasks.resolve_task(task=t, cause=c), "Done"
        )
