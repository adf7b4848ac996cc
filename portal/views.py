"""The customer forms: feedback / NPS and task requests, reached by signed links."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from activity.models import Feedback, Task, TaskPriority, TaskSource
from activity.services.feedback import Answer, answer_feedback
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause
from core.ratelimit import allow_each, client_address
from notifications.links import LinkError, LinkPayload, read_token

from .forms import FeedbackForm, TaskRequestForm
from .links import feedback_key, request_key, request_key_prefix

# When we promise to have a request done, by urgency.
EXPECTED_DAYS = {TaskPriority.HIGH: 1, TaskPriority.NORMAL: 3, TaskPriority.LOW: 7}
# Accepted submissions an hour, per form. A link and its contact are one person
# answering or asking again; an address may be a whole office (or, behind a proxy
# without TRUSTED_PROXY_HEADER, every customer), so it only stops a flood.
SUBMIT_WINDOW = timedelta(hours=1)
PER_LINK, PER_CONTACT, PER_ADDRESS = 10, 20, 200


def _over_limit(request: HttpRequest, form: str, link: LinkPayload) -> bool:
    # Only submissions that would be acted on are counted: a refused link or a form
    # with a mistake writes nothing, so it costs no more than opening the page and
    # must not lock out a customer who got a field wrong.
    limits = {
        f"form:{form}:link:{link.nonce}": PER_LINK,
        f"form:{form}:contact:{link.contact.pk}": PER_CONTACT,
        f"form:{form}:addr:{client_address(request)}": PER_ADDRESS,
    }
    return not allow_each(limits=limits, window=SUBMIT_WINDOW)


def _invalid_link(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(
        request, "portal/link_invalid.html", {"expired": error.reason == "expired"}, status=400
    )


def _feedback_page(
    request: HttpRequest,
    form: FeedbackForm,
    link: LinkPayload,
    recorded: Feedback | None,
    *,
    proposed: int | None = None,
    chosen: int | None = None,
) -> HttpResponse:
    zone = ZoneInfo(link.contact.account.timezone or settings.TIME_ZONE)
    context = {
        "form": form,
        "contact": link.contact,
        "recorded": recorded,
        "answered_on": recorded.answered_at.astimezone(zone).date() if recorded else None,
        "proposed": proposed,  # a different answer waiting for "change my answer"
        "chosen": chosen,  # the score of the e-mail's link the customer followed
    }
    return render(request, "portal/feedback.html", context)


def _feedback_opened(
    request: HttpRequest, link: LinkPayload, recorded: Feedback | None
) -> HttpResponse:
    """The form as a link opens it; opening records nothing.

    A score link from the e-mail (`link.score`) opens the form with that score
    chosen and one press of Send to record it. Recording on the click itself
    would let a mail scanner that opens every link in a message (they do)
    answer for the customer; a GET only ever shows the page.
    """
    score = link.score
    if recorded is None:
        initial = {} if score is None else {"nps": score}
        return _feedback_page(request, FeedbackForm(initial=initial), link, None, chosen=score)
    initial = {"nps": recorded.nps, "comment": recorded.comment, "replaces": recorded.revision}
    if score is None or score == recorded.nps:
        return _feedback_page(request, FeedbackForm(initial=initial), link, recorded)
    # Another score of the same e-mail after an answer: the "change your answer" page.
    initial["nps"] = score
    return _feedback_page(request, FeedbackForm(initial=initial), link, recorded, proposed=score)


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The NPS question and a comment; the answer feeds playbook b2.

    A link holds one answer: opened again, it shows that answer and lets the
    customer change it; a different answer sent without that says what is
    recorded and asks before replacing it. The e-mail's score links open it
    with their score chosen (see _feedback_opened); only a POST records.
    """
    try:
        link = read_token("feedback", token)
    except LinkError as error:
        return _invalid_link(request, error)
    recorded = Feedback.objects.filter(
        submission_key=feedback_key(link), account_id=link.contact.account_id
    ).first()
    if request.method == "GET":
        return _feedback_opened(request, link, recorded)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _feedback_page(request, form, link, recorded)
    if _over_limit(request, "feedback", link):
        return rate_limited(request)
    answer = answer_feedback(
        account=link.contact.account,
        contact=link.contact,
        nps=form.cleaned_data["nps"],
        comment=form.cleaned_data["comment"],
        submission_key=feedback_key(link),
        replaces=form.cleaned_data["replaces"],
        cause=Cause.by_customer(f"feedback form ({link.contact.email})"),
    )
    if answer.outcome == Answer.CHANGED:
        return redirect("portal:thanks", kind="feedback-changed")
    if answer.outcome in (Answer.RECORDED, Answer.UNCHANGED):
        return redirect("portal:thanks", kind="feedback")
    # CONFIRM or STALE: their new answer, ready to replace the one on record.
    confirm = FeedbackForm(
        initial={**form.cleaned_data, "replaces": answer.feedback.revision},
    )
    return _feedback_page(
        request, confirm, link, answer.feedback, proposed=form.cleaned_data["nps"]
    )


@require_http_methods(["GET", "POST"])
def task_request(request: HttpRequest, token: str) -> HttpResponse:
    """What the customer needs; opens a task for the account's owner (playbook g1).

    The same request sent again on a link (Back, then Send) opens no second
    task: it shows the first one's confirmation.
    """
    try:
        link = read_token("request", token)
    except LinkError as error:
        return _invalid_link(request, error)
    form = TaskRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, "request", link):
            return rate_limited(request)
        urgency = form.cleaned_data["urgency"]
        task, created = create_task(
            account=link.contact.account,
            contact=link.contact,
            title=form.cleaned_data["title"],
            details=form.cleaned_data["details"],
            priority=urgency,
            due_at=clock.now() + timedelta(days=EXPECTED_DAYS[urgency]),
            source=TaskSource.CUSTOMER,
            request_key=request_key(
                link, title=form.cleaned_data["title"], details=form.cleaned_data["details"]
            ),
            cause=Cause.by_customer(f"request form ({link.contact.email})"),
        )
        sent = reverse("portal:request_sent", args=[token, task.pk])
        return redirect(sent if created else f"{sent}?again=1")
    return render(request, "portal/task_request.html", {"form": form, "contact": link.contact})


@require_GET
def request_sent(request: HttpRequest, token: str, task_id: int) -> HttpResponse:
    """The confirmation of one request sent through this link (and only this link)."""
    try:
        link = read_token("request", token)
    except LinkError as error:
        return _invalid_link(request, error)
    task = get_object_or_404(
        Task, pk=task_id, contact=link.contact, request_key__startswith=request_key_prefix(link)
    )
    zone = link.contact.account.timezone
    context = {
        "task": task,
        "again": request.GET.get("again") == "1",
        "sent_at": clock.format_local(task.created_at, zone),
        "due_at": clock.format_local(task.due_at, zone),
        "resolved_at": clock.format_local(task.resolved_at, zone),
    }
    return render(request, "portal/request_sent.html", context)


def thanks(request: HttpRequest, kind: str) -> HttpResponse:
    return render(request, "portal/thanks.html", {"kind": kind})


def rate_limited(request: HttpRequest) -> HttpResponse:
    """Too many submissions on a link, from a contact or an address: a 429, nothing written."""
    return render(request, "portal/rate_limited.html", status=429)
