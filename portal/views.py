"""The customer forms: feedback / NPS and task requests, reached by signed links."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from activity.models import TaskPriority, TaskSource
from activity.services.feedback import record_feedback
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause
from core.ratelimit import allow

from .forms import FeedbackForm, TaskRequestForm
from .links import LinkError, read_token

# When we promise to have a request done, by urgency.
EXPECTED_DAYS = {TaskPriority.HIGH: 1, TaskPriority.NORMAL: 3, TaskPriority.LOW: 7}
# Per client address and form: generous for people, tight for scripts.
SUBMIT_LIMIT, SUBMIT_WINDOW = 20, timedelta(hours=1)


def _too_many(request: HttpRequest, form: str) -> bool:
    # REMOTE_ADDR is the client behind a proxy only if the proxy sets it (see README).
    key = f"form:{form}:{request.META.get('REMOTE_ADDR', '')}"
    return not allow(key=key, limit=SUBMIT_LIMIT, window=SUBMIT_WINDOW)


def _invalid_link(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(
        request, "portal/link_invalid.html", {"expired": error.reason == "expired"}, status=400
    )


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The NPS question and a comment; the answer feeds playbook b2."""
    if request.method == "POST" and _too_many(request, "feedback"):
        return rate_limited(request)
    try:
        link = read_token("feedback", token)
    except LinkError as error:
        return _invalid_link(request, error)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        record_feedback(
            account=link.contact.account,
            contact=link.contact,
            nps=form.cleaned_data["nps"],
            comment=form.cleaned_data["comment"],
            submission_key=f"portal:{link.nonce}",
            cause=Cause.by_customer(f"feedback form ({link.contact.email})"),
        )
        return redirect("portal:thanks", kind="feedback")
    return render(request, "portal/feedback.html", {"form": form, "contact": link.contact})


@require_http_methods(["GET", "POST"])
def task_request(request: HttpRequest, token: str) -> HttpResponse:
    """What the customer needs; opens a task for the account's owner (playbook g1)."""
    if request.method == "POST" and _too_many(request, "request"):
        return rate_limited(request)
    try:
        link = read_token("request", token)
    except LinkError as error:
        return _invalid_link(request, error)
    form = TaskRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        urgency = form.cleaned_data["urgency"]
        create_task(
            account=link.contact.account,
            contact=link.contact,
            title=form.cleaned_data["title"],
            details=form.cleaned_data["details"],
            priority=urgency,
            due_at=clock.now() + timedelta(days=EXPECTED_DAYS[urgency]),
            source=TaskSource.CUSTOMER,
            request_key=f"portal:{link.nonce}:{form.cleaned_data['submission_id']}",
            cause=Cause.by_customer(f"request form ({link.contact.email})"),
        )
        return redirect("portal:thanks", kind="request")
    return render(request, "portal/task_request.html", {"form": form, "contact": link.contact})


def thanks(request: HttpRequest, kind: str) -> HttpResponse:
    return render(request, "portal/thanks.html", {"kind": kind})


def rate_limited(request: HttpRequest) -> HttpResponse:
    """Too many submissions from one address: a clear 429, nothing written."""
    return render(request, "portal/rate_limited.html", status=429)
