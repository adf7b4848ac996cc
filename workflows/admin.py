"""Admin for workflows (edit, switch on/off, publish), runs (inspect, retry), events and
the sweep rules (the time windows of the time-based playbooks)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import HistoryAdmin, ReadOnlyInline

from . import services
from .engine import retry_run
from .forms import ConditionForm, StepForm, WorkflowForm, WorkflowRows
from .models import (
    Condition,
    Run,
    RunStatus,
    Step,
    StepResult,
    SweepRules,
    TriggerEvent,
    Workflow,
)
from .triggers import BY_KEY


class ConditionInline(admin.TabularInline):
    model = Condition
    form = ConditionForm
    formset = WorkflowRows
    extra = 0
    ordering = ["position"]


class StepInline(admin.TabularInline):
    model = Step
    form = StepForm
    extra = 0
    ordering = ["position"]


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    form = WorkflowForm
    list_display = ["name", "key", "trigger_name", "is_active", "version", "runs_link"]
    list_editable = ["is_active"]
    list_filter = ["is_active", "trigger"]
    search_fields = ["name", "key", "description"]
    list_select_related = ["current_version"]
    readonly_fields = ["current_version", "updated_at"]
    inlines = [ConditionInline, StepInline]

    @admin.display(description="Trigger", ordering="trigger")
    def trigger_name(self, workflow: Workflow) -> str:
        trigger = BY_KEY.get(workflow.trigger)
        return trigger.name if trigger else workflow.trigger

    @admin.display(description="Version")
    def version(self, workflow: Workflow) -> str:
        return f"v{workflow.current_version.number}" if workflow.current_version else "—"

    @admin.display(description="Runs")
    def runs_link(self, workflow: Workflow) -> str:
        url = reverse("admin:workflows_run_changelist")
        return format_html('<a href="{}?workflow__id__exact={}">runs</a>', url, workflow.pk)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """After the conditions and steps are saved, publish them as the version new runs use."""
        super().save_related(request, form, formsets, change)
        version = services.publish(workflow=form.instance, user=request.user)
        self.message_user(request, f"New runs use version {version.number}.", messages.INFO)


class StepResultInline(ReadOnlyInline):
    model = StepResult
    fields = ["position", "action", "outcome", "detail", "error", "attempts", "finished_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(Run)
class RunAdmin(HistoryAdmin):
    list_display = [
        "created_at",
        "workflow",
        "account",
        "trigger",
        "status",
        "next_step",
        "attempts",
        "last_error",
    ]
    list_filter = ["status", "workflow"]
    search_fields = ["account__name", "account__external_id", "event__event_key"]
    list_select_related = ["workflow", "account", "event"]
    readonly_fields = [
        "workflow",
        "version",
        "event_link",
        "account",
        "status",
        "decisions_table",
        "next_step",
        "attempts",
        "due_at",
        "last_error",
        "created_at",
        "finished_at",
    ]
    exclude = ["event", "decisions", "claimed_at"]
    inlines = [StepResultInline]
    actions = ["retry"]
    date_hierarchy = "created_at"

    @admin.display(description="Trigger")
    def trigger(self, run: Run) -> str:
        return run.event.kind

    @admin.display(description="Trigger event")
    def event_link(self, run: Run) -> str:
        url = reverse("admin:workflows_triggerevent_change", args=[run.event_id])
        return format_html('<a href="{}">{}</a> {}', url, run.event, run.event.data)

    @admin.display(description="Conditions")
    def decisions_table(self, run: Run) -> str:
        if not run.decisions:
            return "No conditions: every event of its trigger runs it."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    d.get("subject") or "tags",
                    d["operator"],
                    d.get("value", ""),
                    d.get("seen"),
                    "yes" if d["passed"] else "no",
                )
                for d in run.decisions
            ),
        )
        return format_html(
            "<table><tr><th>subject</th><th>test</th><th>value</th><th>saw</th>"
            "<th>held</th></tr>{}</table>",
            rows,
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # For the retry action only; runs themselves stay read-only.
        return obj is None and request.user.has_perm("workflows.change_run")

    @admin.action(description="Retry the selected failed runs", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        failed = queryset.filter(status=RunStatus.FAILED)
        retried = sum(retry_run(run=run) for run in failed)
        self.message_user(request, f"{retried} run(s) queued again.", messages.SUCCESS)


@admin.register(TriggerEvent)
class TriggerEventAdmin(HistoryAdmin):
    list_display = [
        "created_at",
        "kind",
        "account",
        "event_key",
        "depth",
        "processed_at",
        "cause_display",
    ]
    list_filter = ["kind", "cause_kind"]
    search_fields = ["account__name", "account__external_id", "event_key"]
    list_select_related = ["account", "cause_user"]
    date_hierarchy = "created_at"


@admin.register(SweepRules)
class SweepRulesAdmin(admin.ModelAdmin):
    """The one row of sweep windows (installed with the defaults): edited, never added or deleted.

    The sweeps read it on every run, so a change applies from their next run;
    the fields' validators (and the table's check constraint) refuse a window of 0.
    """

    list_display = [
        "__str__",
        "inactivity_days",
        "feature_recheck_days",
        "affiliate_recheck_days",
        "nps_every_days",
        "task_due_soon_hours",
        "updated_at",
    ]
    fields = [
        "inactivity_days",
        "feature_recheck_days",
        "affiliate_recheck_days",
        "nps_every_days",
        "task_due_soon_hours",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
