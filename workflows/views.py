"""Staff pages for workflows: the list with on/off switches, the editor, the run log and a run."""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import clock
from notifications.models import Message

from . import drafts, listeners, paths, services, switching
from .actions import ACTIONS
from .backlog_views import backlogs_to_show
from .builder import registry
from .builder.conditions import suggestion_lists
from .builder.editor import Builder
from .builder.saving import write_working_copy
from .engine import retry_run
from .forms import RunFilter
from .lane_status import lane_statuses
from .models import ConditionOperator, Run, RunStatus, Workflow
from .triggers import BY_KEY

RUN_PAGE_SIZE = 50
RUN_MESSAGES = 50
RECENT_DAYS = 30
# The list's run columns: a label and the statuses each counts.
RUN_COLUMNS = {
    "succeeded": [RunStatus.SUCCEEDED],
    "failed": [RunStatus.FAILED],
    "skipped": [RunStatus.SKIPPED],
    "open": [RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.WAITING],
}


@login_required
@permission_required("workflows.view_workflow", raise_exception=True)
def workflow_list(request: HttpRequest) -> HttpResponse:
    """Every workflow with its trigger, switch, version and last 30 days' runs (one query)."""
    since = clock.now() - timedelta(days=RECENT_DAYS)
    counts = {
        f"runs_{column}": Count(
            "runs", filter=Q(runs__created_at__gte=since, runs__status__in=statuses)
        )
        for column, statuses in RUN_COLUMNS.items()
    }
    workflows = list(Workflow.objects.select_related("current_version").annotate(**counts))
    for workflow in workflows:
        workflow.trigger_kind = BY_KEY.get(workflow.trigger)
    context = {
        "workflows": workflows,
        "can_switch": request.user.has_perm("workflows.change_workflow"),
        "recent_days": RECENT_DAYS,
        "backlogs": backlogs_to_show(),
        "lanes": lane_statuses(),
        "threshold": settings.SWEEP_BACKLOG_THRESHOLD,
    }
    return render(request, "workflows/workflow_list.html", context)


@login_required
@permission_required("workflows.change_workflow", raise_exception=True)
@require_POST
def workflow_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a workflow on or off; htmx swaps only the switch."""
    workflow = get_object_or_404(Workflow, pk=pk)
    active = request.POST.get("active", "") in {"on", "true", "1"}
    changed = services.set_active(workflow=workflow, active=active)
    workflow.is_active = active
    missed = switching.undecided(workflow) if changed and active else None
    if missed is not None:
        # What fell due while it was off waits for a choice on the list page: go there.
        messages.warning(
            request,
            f"{workflow.name} is on. While it was off, {missed.held:,} became due: "
            "choose below whether to catch up or skip them.",
        )
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("workflows:list")
            return response
        return redirect("workflows:list")
    if request.htmx:
        return render(request, "workflows/_switch.html", {"workflow": workflow, "can_switch": True})
    messages.success(request, f"{workflow.name} is {'on' if active else 'off'}.")
    return redirect("workflows:list")


@login_required
@permission_required("workflows.view_workflow", raise_exception=True)
def workflow_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The playbook builder: trigger, conditions and nested steps; saving publishes them as
    a new version, or for a live workflow keeps them as a draft to review and publish. A
    button that adds, moves or deletes only redraws the page.

    Managers edit; other staff see the same page read-only.
    """
    workflow = get_object_or_404(Workflow.objects.select_related("current_version"), pk=pk)
    can_edit = request.user.has_perm("workflows.change_workflow")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    builder = Builder(workflow, request.POST if request.method == "POST" else None)
    if builder.is_valid():
        try:
            # The one place a valid save is written: published, or kept as a draft of a
            # live workflow for review (workflows.drafts).
            saved = drafts.save_edit(
                workflow=workflow, user=request.user, write=lambda: write_working_copy(builder)
            )
        except ValidationError as error:
            builder.refuse(error)
        else:
            (messages.success if saved.changed else messages.info)(request, saved.message)
            return redirect("workflows:review" if saved.draft else "workflows:edit", pk=workflow.pk)
    context = {
        "workflow": workflow,
        "builder": builder,
        "can_edit": can_edit,
        "trigger": builder.trigger,
        "kinds": registry.kinds(),
        "suggestions": suggestion_lists(),
        "previews": builder.lookups.previews(),
        "versions": workflow.versions.select_related("created_by")[:10],
        "conversion": conversion(workflow),
    }
    return render(request, "workflows/workflow_edit.html", context)


def conversion(workflow: Workflow) -> dict | None:
    """The goal in words and how many runs reached it, of the runs that started (skipped
    runs never started); one query. None without a goal."""
    if not workflow.goal:
        return None
    counts = Run.objects.filter(workflow=workflow).exclude(status=RunStatus.SKIPPED)
    counts = counts.aggregate(
        runs=Count("pk"), reached=Count("pk", filter=Q(status=RunStatus.GOAL_REACHED))
    )
    rate = counts["reached"] / counts["runs"] if counts["runs"] else None
    return {"goal": listeners.describe(workflow.goal), **counts, "rate": rate}


@login_required
@permission_required("workflows.view_workflow", raise_exception=True)
def trigger_help(request: HttpRequest) -> HttpResponse:
    """htmx: what the chosen trigger means and the data it carries."""
    key = request.GET.get("trigger", "")
    return render(request, "workflows/_trigger_help.html", {"trigger": BY_KEY.get(key)})


@login_required
@permission_required("workflows.view_run", raise_exception=True)
def run_list(request: HttpRequest) -> HttpResponse:
    """Runs, newest first, filtered by workflow, status or account; htmx swaps the table."""
    runs = Run.objects.select_related("workflow", "account", "event").order_by("-created_at", "-id")
    filters = RunFilter(request.GET, queryset=runs)
    page = Paginator(filters.qs, RUN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    template = "workflows/_run_table.html" if request.htmx else "workflows/run_list.html"
    return render(request, template, context)


@login_required
@permission_required("workflows.view_run", raise_exception=True)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's trigger event, each condition it tested and each step's result."""
    run = get_object_or_404(
        Run.objects.select_related("workflow", "version", "event", "account"), pk=pk
    )
    results = {result.position: result for result in run.results.all()}
    steps = [
        {
            "number": paths.label(path),
            "depth": depth,
            "path_name": _path_name(run.version.steps, path),
            "action": _action_label(spec),
            # A branching step's inner steps show as their own rows below it.
            "params": json.dumps(paths.own_params(spec)),
            "result": results.pop(paths.as_text(path), None),
        }
        for path, spec, depth in paths.walk(run.version.steps)
    ]
    operators = dict(ConditionOperator.choices)
    decisions = [
        {
            "subject": decision.get("subject") or "tags",
            "operator": operators.get(decision["operator"], decision["operator"]),
            "value": decision.get("value", ""),
            "seen": decision.get("seen"),
            "held": decision["passed"],
        }
        for decision in run.decisions
    ]
    context = {
        "run": run,
        "trigger": BY_KEY.get(run.event.kind),
        "event_data": json.dumps(run.event.data, indent=2, sort_keys=True, default=str),
        "decisions": decisions,
        "steps": steps,
        # What its steps queued, and what the outbox did with each (sent, held and why).
        "run_messages": list(
            Message.objects.filter(cause_run_id=run.pk).order_by("created_at", "pk")[:RUN_MESSAGES]
        ),
        "can_retry": run.status == RunStatus.FAILED
        and request.user.has_perm("workflows.change_run"),
    }
    return render(request, "workflows/run_detail.html", context)


def _action_label(spec: object) -> str:
    action = spec.get("action") if isinstance(spec, dict) else None
    return ACTIONS[action].label if action in ACTIONS else str(action)


def _path_name(steps: list, path: paths.Path) -> str:
    """For the first step of a path: the path's name ("Pro", "otherwise", "timed out")."""
    if len(path) < 3 or path[-1] != 0:
        return ""
    try:
        holder = paths.step_at(steps, path[:-2])
    except (IndexError, TypeError, AttributeError):
        return ""
    branch = path[-2]
    if holder.get("action") == paths.WAIT_FOR:
        return "happened" if branch == paths.HAPPENED else "timed out"
    options = (holder.get("params") or {}).get("paths") or []
    if branch < len(options):
        return options[branch].get("name") or f"path {branch + 1}"
    return "otherwise"


@login_required
@permission_required("workflows.change_run", raise_exception=True)
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager gives a failed run a fresh round of attempts."""
    run = get_object_or_404(Run, pk=pk)
    if retry_run(run=run):
        messages.success(request, "Queued again: the run resumes from the step that failed.")
    else:
        messages.info(request, "Only a failed run can be retried.")
    return redirect("workflows:run", pk=run.pk)
