"""Staff pages for tasks: my tasks and the team's, a new task, done, reassign / due date."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Account
from core import clock
from core.causes import Cause

from .forms import ACCOUNT_SUGGESTIONS, TaskForm, TaskUpdateForm, TeamFilterForm, staff_users
from .models import Task, TaskSource, TaskStatus
from .services.tasks import create_task, resolve_task, update_task

PAGE_SIZE = 50
TABS = {"mine": "My tasks", "team": "Team"}


def _tasks() -> QuerySet[Task]:
    """Tasks with what a row shows, joined (no query per row)."""
    return Task.objects.select_related("account", "assignee", "contact")


def _row_context(task: Task, **extra) -> dict:
    return {"task": task, "now": clock.now(), "staff": list(staff_users()), **extra}


@login_required
@permission_required("activity.view_task", raise_exception=True)
def task_list(request: HttpRequest) -> HttpResponse:
    """My open tasks (due first, overdue highlighted) or the team's, filtered by assignee."""
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "mine"
    tasks = _tasks().filter(status=TaskStatus.OPEN)
    filter_form = None
    if tab == "mine":
        tasks = tasks.filter(assignee=request.user)
    else:
        filter_form = TeamFilterForm(request.GET)
        if filter_form.is_valid() and filter_form.cleaned_data["assignee"]:
            tasks = tasks.filter(assignee=filter_form.cleaned_data["assignee"])
    tasks = tasks.order_by(F("due_at").asc(nulls_last=True), "-created_at", "-pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["tab"] = tab
    context = {
        "tab": tab,
        "tabs": TABS,
        "filter_form": filter_form,
        "page": page,
        "query": query.urlencode(),
        "now": clock.now(),
        "staff": list(staff_users()),
    }
    template = "activity/_task_table.html" if request.htmx else "activity/task_list.html"
    return render(request, template, context)


@login_required
@permission_required("activity.add_task", raise_exception=True)
def task_create(request: HttpRequest) -> HttpResponse:
    """Open a task on an account (source "staff"); unassigned goes to the account's owner."""
    form = TaskForm(request.POST or None, initial={"account": request.GET.get("account", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task, _ = create_task(
                account=data["account"],
                title=data["title"],
                details=data["details"],
                priority=data["priority"],
                due_at=data["due_at"],
                assignee=data["assignee"],
                source=TaskSource.STAFF,
                cause=Cause.by_user(request.user, "tasks page"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Task “{task.title}” created for {task.account.name}.")
            tab = "mine" if task.assignee_id == request.user.pk else "team"
            return redirect(f"{reverse('tasks:list')}?tab={tab}")
    return render(request, "activity/task_form.html", {"form": form})


@login_required
@permission_required("activity.view_task", raise_exception=True)
def account_options(request: HttpRequest) -> HttpResponse:
    """A few accounts matching what was typed, as <option>s for the new-task form."""
    text = request.GET.get("account", "").strip()
    accounts = Account.objects.none()
    if len(text) >= 2:
        accounts = Account.objects.filter(
            Q(external_id__istartswith=text) | Q(name__icontains=text)
        ).order_by("name")[:ACCOUNT_SUGGESTIONS]
    return render(request, "activity/_account_options.html", {"accounts": accounts})


@login_required
@permission_required("activity.change_task", raise_exception=True)
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a task done; htmx swaps its row."""
    task = get_object_or_404(_tasks(), pk=pk)
    resolved = resolve_task(task=task, cause=Cause.by_user(request.user, "tasks page"))
    if request.htmx:
        task.refresh_from_db(fields=["status", "resolved_at"])
        return render(request, "activity/_task_row.html", _row_context(task))
    if resolved:
        messages.success(request, f"“{task.title}” is done.")
    else:
        messages.info(request, f"“{task.title}” was already closed.")
    return redirect("tasks:list")


@login_required
@permission_required("activity.change_task", raise_exception=True)
@require_POST
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Reassign a task or change its due time; htmx swaps its row (with any error)."""
    task = get_object_or_404(_tasks(), pk=pk)
    form = TaskUpdateForm(request.POST, task=task)
    error = ""
    if form.is_valid():
        try:
            update_task(
                task=task,
                assignee=form.cleaned_data["assignee"],
                due_at=form.cleaned_data["due_at"],
                cause=Cause.by_user(request.user, "tasks page"),
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if request.htmx:
        task = _tasks().get(pk=pk)
        return render(request, "activity/_task_row.html", _row_context(task, error=error))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"“{task.title}” updated.")
    return redirect("tasks:list")
