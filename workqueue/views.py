"""The work queue's actions: log a touch, and a signal's one-click actions (snooze, close
with an outcome, reassign, add a task) from My day, the queue page or the account page.

Each is POST-only and permission-checked, reads one row, checks a form and calls one
service; bad input changes nothing and says why. htmx gets the row redrawn (`answers`),
a plain post returns to `next` (a path on this site) or to the queue.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST

from accounts.models import Account
from activity.models import TaskSource
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause
from core.csv_export import csv_response

from . import report, selectors
from .answers import TEAM_PERMISSION, answer, back_to, row_actions
from .forms import CloseForm, ReassignForm, SignalTaskForm, SnoozeForm, TouchForm
from .models import Signal
from .services import close_signal, reassign_signal, snooze_signal
from .touches import log_touch

QUEUE_PAGE = 200


def _refusal(error: ValidationError | str) -> str:
    return error if isinstance(error, str) else " ".join(error.messages)


def _status(error: ValidationError) -> int:
    """409 for an action on a signal already closed (the page was stale), else 400."""
    return 409 if getattr(error, "code", "") == "closed" else 400


def _form_errors(form) -> str:
    return " ".join(f"{error}" for errors in form.errors.values() for error in errors)


def signal_for(request: HttpRequest, pk: int) -> Signal:
    """The signal, if this user may work it: their own, or anyone's for a manager."""
    signal = get_object_or_404(Signal.objects.select_related("account", "owner"), pk=pk)
    mine = request.user.pk in (signal.owner_id, signal.account.owner_id)
    if not mine and not request.user.has_perm(TEAM_PERMISSION):
        raise PermissionDenied("This signal is in someone else's queue.")
    return signal


@login_required
@permission_required("workqueue.view_signal", raise_exception=True)
def queue_page(request: HttpRequest) -> HttpResponse:
    """The whole queue (My day shows its top): mine, or the team's for a manager."""
    team = request.GET.get("scope") == "team" and request.user.has_perm(TEAM_PERMISSION)
    now = clock.now()
    signals = selectors.queue(owner=None if team else request.user, now=now)
    context = {
        **row_actions(request, where="team" if team else "mine"),
        "rows": selectors.rows(signals[:QUEUE_PAGE], now),
        "count": signals.count(),
        "team": team,
    }
    return render(request, "workqueue/queue.html", context)


@login_required
@permission_required("workqueue.add_touch", raise_exception=True)
@require_POST
def touch_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a call, meeting or note on an account (optionally while working a signal,
    whose row htmx redraws)."""
    account = get_object_or_404(Account.objects.prefetch_related("contacts"), pk=pk)
    back = reverse("accounts:detail", args=[account.pk])
    signal_pk = request.POST.get("signal", "")
    signal = signal_for(request, int(signal_pk)) if signal_pk.isdigit() else None
    form = TouchForm(request.POST, contacts=account.contacts.all())
    note, error, status = "", "", 200
    try:
        if not form.is_valid():
            raise ValidationError("Not logged: " + _form_errors(form))
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
    except ValidationError as refusal:
        error, status = _refusal(refusal), 400
    else:
        note = f"{touch.get_kind_display()} logged on {account.name}."
    if signal is not None and signal.account_id == account.pk:
        return answer(request, signal, note=note, error=error, status=status, fallback=back)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    return redirect(back_to(request) or back)


@login_required
@permission_required("workqueue.change_signal", raise_exception=True)
@require_POST
def signal_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    signal = signal_for(request, pk)
    form = SnoozeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Not snoozed: " + _form_errors(form))
        until = form.cleaned_data["when"]
        snooze_signal(signal=signal, until=until, cause=_cause(request))
    except ValidationError as refusal:
        return _refused(request, signal, refusal)
    note = f"“{signal.title}” snoozed until {date_format(localtime(until), 'D j M, H:i')}."
    return answer(request, signal, note=note, fallback=reverse("workqueue:queue"))


@login_required
@permission_required("workqueue.change_signal", raise_exception=True)
@require_POST
def signal_close(request: HttpRequest, pk: int) -> HttpResponse:
    signal = signal_for(request, pk)
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
    except ValidationError as refusal:
        return _refused(request, signal, refusal)
    note = f"“{signal.title}” closed: {signal.outcome}."
    return answer(request, signal, note=note, fallback=reverse("workqueue:queue"))


@login_required
@permission_required(TEAM_PERMISSION, raise_exception=True)
@require_POST
def signal_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    signal = signal_for(request, pk)
    form = ReassignForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Not reassigned: " + _form_errors(form))
        owner = form.cleaned_data["owner"]
        reassign_signal(signal=signal, owner=owner, cause=_cause(request))
    except ValidationError as refusal:
        return _refused(request, signal, refusal)
    note = f"“{signal.title}” given to {owner.get_full_name() or owner}."
    return answer(request, signal, note=note, fallback=reverse("workqueue:queue"))


@login_required
@permission_required("activity.add_task", raise_exception=True)
@require_POST
def signal_task(request: HttpRequest, pk: int) -> HttpResponse:
    """A task for this signal's account, for the signal's owner (the tasks page reassigns)."""
    signal = signal_for(request, pk)
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
    except ValidationError as refusal:
        return _refused(request, signal, refusal)
    note = f"Task “{task.title}” added."
    return answer(request, signal, note=note, fallback=reverse("workqueue:queue"))


def _refused(request: HttpRequest, signal: Signal, refusal: ValidationError) -> HttpResponse:
    return answer(
        request,
        signal,
        error=_refusal(refusal),
        status=_status(refusal),
        fallback=reverse("workqueue:queue"),
    )


@login_required
@permission_required("activity.view_payment", raise_exception=True)
def team_report_csv(request: HttpRequest) -> HttpResponse:
    """The team report's numbers as CSV (the Reports page's permission)."""
    rows = report.team_rows(clock.now())
    return csv_response(filename="work-queue-team.csv", header=report.COLUMNS, rows=rows)


def _cause(request: HttpRequest) -> Cause:
    return Cause.by_user(request.user, "work queue")
