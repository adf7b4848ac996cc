"""The work queue's actions: log a touch, and a signal's one-click actions (snooze, close
with an outcome, reassign, add a task) from My day, the queue page or the account page.

Each is POST-only and permission-checked, reads one row, checks a form and calls one
service; bad input comes back as a message and changes nothing. They return to `next`
(a path on this site) or to the queue.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Account
from activity.forms import staff_users
from activity.models import TaskSource
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause
from core.csv_export import csv_response

from . import report, selectors
from .forms import SNOOZE_CHOICES, CloseForm, ReassignForm, SignalTaskForm, SnoozeForm, TouchForm
from .models import Signal, TouchKind
from .services import close_signal, reassign_signal, snooze_signal
from .touches import log_touch

TEAM_PERMISSION = "accounts.assign_owner"  # managers and admins see and reassign the team's
QUEUE_PAGE = 200


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _refused(request: HttpRequest, error: ValidationError | str) -> None:
    text = error if isinstance(error, str) else " ".join(error.messages)
    messages.error(request, text)


def _form_errors(form) -> str:
    return " ".join(f"{error}" for errors in form.errors.values() for error in errors)


def _signal_for(request: HttpRequest, pk: int) -> Signal:
    """The signal, if this user may work it: their own, or anyone's for a manager."""
    signal = get_object_or_404(Signal.objects.select_related("account", "owner"), pk=pk)
    mine = request.user.pk in (signal.owner_id, signal.account.owner_id)
    if not mine and not request.user.has_perm(TEAM_PERMISSION):
        raise PermissionDenied("This signal is in someone else's queue.")
    return signal


def row_actions(request: HttpRequest, *, reassign: bool = True) -> dict:
    """What a queue row's one-click actions need: the staff list (managers only, read once
    for every row), the snooze choices, the touch kinds and where to come back to."""
    manager = reassign and request.user.has_perm(TEAM_PERMISSION)
    return {
        "request": request,
        "user": request.user,
        "can_reassign": manager,
        "people": list(staff_users()) if manager else [],
        "snooze_choices": SNOOZE_CHOICES,
        "touch_kinds": TouchKind.choices,
        "next": request.get_full_path(),
    }


@login_required
@permission_required("workqueue.view_signal", raise_exception=True)
def queue_page(request: HttpRequest) -> HttpResponse:
    """The whole queue (My day shows its top): mine, or the team's for a manager."""
    team = request.GET.get("scope") == "team" and request.user.has_perm(TEAM_PERMISSION)
    now = clock.now()
    signals = selectors.queue(owner=None if team else request.user, now=now)
    context = {
        **row_actions(request),
        "rows": selectors.rows(signals[:QUEUE_PAGE], now),
        "count": signals.count(),
        "team": team,
    }
    return render(request, "workqueue/queue.html", context)


@login_required
@permission_required("workqueue.add_touch", raise_exception=True)
@require_POST
def touch_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a call, meeting or note on an account (optionally while working a signal)."""
    account = get_object_or_404(Account.objects.prefetch_related("contacts"), pk=pk)
    back = reverse("accounts:detail", args=[account.pk])
    form = TouchForm(request.POST, contacts=account.contacts.all())
    if not form.is_valid():
        _refused(request, "Not logged: " + _form_errors(form))
        return _back(request, back)
    signal_pk = request.POST.get("signal", "")
    signal = _signal_for(request, int(signal_pk)) if signal_pk.isdigit() else None
    try:
        touch = log_touch(
            account=account,
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
            author=request.user,
            happened_at=form.cleaned_data["happened_at"],
            contact=form.cleaned_data["contact"],
            outcome=form.cleaned_data["outcome"],
            next_step=form.cleaned_data["next_step"],
            signal=signal,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{touch.get_kind_display()} logged on {account.name}.")
    return _back(request, back)


@login_required
@permission_required("workqueue.change_signal", raise_exception=True)
@require_POST
def signal_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal_for(request, pk)
    form = SnoozeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        snooze_signal(signal=signal, until=form.cleaned_data["when"], cause=_cause(request))
    except ValidationError as error:
        _refused(request, error)
    else:
        until = form.cleaned_data["when"]
        messages.success(request, f"“{signal.title}” snoozed until {until:%a %d %b, %H:%M}.")
    return _back(request, reverse("workqueue:queue"))


@login_required
@permission_required("workqueue.change_signal", raise_exception=True)
@require_POST
def signal_close(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal_for(request, pk)
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Not closed: " + _form_errors(form))
        close_signal(
            signal=signal,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            dismissed=form.cleaned_data["dismissed"],
            cause=_cause(request),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"“{signal.title}” closed: {signal.outcome}.")
    return _back(request, reverse("workqueue:queue"))


@login_required
@permission_required(TEAM_PERMISSION, raise_exception=True)
@require_POST
def signal_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal_for(request, pk)
    form = ReassignForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Not reassigned: " + _form_errors(form))
        owner = form.cleaned_data["owner"]
        reassign_signal(signal=signal, owner=owner, cause=_cause(request))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"“{signal.title}” given to {owner.get_full_name() or owner}.")
    return _back(request, reverse("workqueue:queue"))


@login_required
@permission_required("activity.add_task", raise_exception=True)
@require_POST
def signal_task(request: HttpRequest, pk: int) -> HttpResponse:
    """A task for this signal's account, for the signal's owner (the tasks page reassigns)."""
    signal = _signal_for(request, pk)
    form = SignalTaskForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("No task: " + _form_errors(form))
        days = form.cleaned_data["due_in_days"]
        task, _ = create_task(
            account=signal.account,
            title=form.cleaned_data["title"],
            source=TaskSource.STAFF,
            cause=_cause(request),
            assignee=signal.owner or request.user,
            due_at=clock.now() + timedelta(days=days) if days is not None else None,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Task “{task.title}” added.")
    return _back(request, reverse("workqueue:queue"))


@login_required
@permission_required("activity.view_payment", raise_exception=True)
def team_report_csv(request: HttpRequest) -> HttpResponse:
    """The team report's numbers as CSV (the Reports page's permission)."""
    rows = report.team_rows(clock.now())
    return csv_response(filename="work-queue-team.csv", header=report.COLUMNS, rows=rows)


def _cause(request: HttpRequest) -> Cause:
    return Cause.by_user(request.user, "work queue")
