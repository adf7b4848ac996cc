"""How a queue row's actions answer: htmx gets the row again (or a line saying why it left
the queue), bad input a 4xx with the reason in the row; a plain form post gets the
message and a redirect back, so every action works without JavaScript too."""

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from activity.forms import staff_users
from core import clock

from . import selectors
from .emails import email_templates
from .forms import SNOOZE_CHOICES
from .models import Signal, SignalStatus, TouchKind

TEAM_PERMISSION = "accounts.assign_owner"  # managers and admins see and reassign the team's
# Where a row is shown: my queue, the team's queue, or the account page's live signals.
WHERE = ("mine", "team", "account")


def back_to(request: HttpRequest) -> str:
    """The `next` path posted with a form, if it is on this site; else ""."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def row_actions(request: HttpRequest, *, where: str = "mine", next_path: str = "") -> dict:
    """What a queue row's one-click actions need, made once for every row: the hidden
    fields each form posts, the choices every row offers as ready HTML (a page of rows
    renders them once, not once a row), the staff list (managers, in a queue) and where
    to come back to."""
    manager = where != "account" and request.user.has_perm(TEAM_PERMISSION)
    back = next_path or request.get_full_path()
    return {
        "request": request,
        "user": request.user,
        "where": where,
        "next": back,
        "form_fields": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<input type="hidden" name="where" value="{}">',
            get_token(request),
            back,
            where,
        ),
        "kind_options": format_html_join("", '<option value="{}">{}</option>', TouchKind.choices),
        "snooze_buttons": format_html_join(
            "",
            '<button name="days" value="{}" class="btn btn-sm btn-outline-secondary" '
            'data-testid="snooze-{}">{}</button>',
            ((value, value, label) for value, label in SNOOZE_CHOICES),
        ),
        # Read by the first row that shows it, so an empty queue costs no query; the
        # account page's rows leave e-mail to the queue (it reads no templates).
        "email_options": SimpleLazyObject(_email_options) if where != "account" else "",
        "can_reassign": manager,
        "people": staff_users() if manager else [],  # a queryset keeps what it read
    }


def _email_options() -> str:
    templates = email_templates().values_list("key", "name")
    return format_html_join("", '<option value="{}">{}</option>', templates)


def _where(request: HttpRequest) -> str:
    """Where the row was shown; the team's queue (and its count) only for a manager."""
    where = request.POST.get("where", "")
    if where == "team" and not request.user.has_perm(TEAM_PERMISSION):
        return "mine"
    return where if where in WHERE else "mine"


def _left_the_queue(signal: Signal, where: str, user, now: datetime) -> bool:
    """Whether the row no longer belongs where it was shown."""
    if not signal.is_live:
        return True
    if where == "account":
        return False
    if signal.status == SignalStatus.SNOOZED and signal.snoozed_until > now:
        return True
    return where == "mine" and signal.owner_id != user.pk


def answer(
    request: HttpRequest,
    signal: Signal,
    *,
    note: str = "",
    error: str = "",
    status: int = 200,
    fallback: str,
) -> HttpResponse:
    """The row as it is now, with `note` (done) or `error` (refused, with `status`)."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif note:
            messages.success(request, note)
        return redirect(back_to(request) or fallback)
    where, now = _where(request), clock.now()
    row = selectors.one_row(signal.pk, now)
    context = {
        **row_actions(request, where=where, next_path=back_to(request) or fallback),
        "row": row,
        "row_note": note,
        "row_error": error,
    }
    if not error and _left_the_queue(row.signal, where, request.user, now):
        team = where == "team"
        if where != "account":
            mine = None if team else request.user
            context["queue_count"] = selectors.queue(owner=mine, now=now).count()
        return render(request, "workqueue/_signal_row_left.html", context)
    return render(request, "workqueue/_signal_row.html", context, status=status)
