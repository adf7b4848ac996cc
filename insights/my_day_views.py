"""My day's pages: the day itself and its inline "Done" on a task."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import portfolio_summary
from activity.models import Task
from activity.services.tasks import resolve_task
from core import clock
from core.causes import Cause
from health.selectors import portfolio_health
from notifications.models import Alert

from . import my_day

ALERTS_SHOWN = 10


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    """My book's numbers, my overdue and due-today tasks, unread alerts, accounts at risk."""
    scope = my_day.scope_for(request.user, request.GET.get("scope"))
    summary = portfolio_summary(scope.accounts)
    now = clock.now()
    context = {
        "scope": scope,
        "can_see_team": request.user.has_perm(my_day.TEAM_PERMISSION),
        "summary": summary,
        "cards": my_day.kpi_cards(scope, summary),
        "charts": my_day.charts(scope, summary),
        # The affiliate manager reads accounts but not tasks: no section, no link to 403.
        "tasks": my_day.task_sections(scope, now)
        if request.user.has_perm("activity.view_task")
        else None,
        "alerts": Alert.objects.filter(user=request.user, read_at=None)
        .select_related("account")
        .order_by("-created_at", "-id")[:ALERTS_SHOWN],
        "at_risk": my_day.at_risk(scope),
        "health": portfolio_health(scope.accounts),
        "now": now,
    }
    return render(request, "insights/home.html", context)


@login_required
@permission_required("activity.change_task", raise_exception=True)
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a task from My day (the same service as the tasks page); htmx gets the
    refreshed task sections, counts included."""
    task = get_object_or_404(Task.objects.select_related("account"), pk=pk)
    resolved = resolve_task(task=task, cause=Cause.by_user(request.user, "My day"))
    scope = my_day.scope_for(request.user, request.POST.get("scope"))
    if request.htmx:
        context = {
            "scope": scope,
            "tasks": my_day.task_sections(scope, clock.now()),
            "now": clock.now(),
            "done": task if resolved else None,
        }
        return render(request, "insights/_my_tasks.html", context)
    if resolved:
        messages.success(request, f"“{task.title}” is done.")
    else:
        messages.info(request, f"“{task.title}” was already closed.")
    return redirect(reverse("home") + ("?scope=team" if scope.team else ""))
