"""The customer's side: answering a survey from its e-mail link (no login).

Opening the link only shows the questions (a mail scanner opens every link);
only Send records, once per send. An expired, forged or unknown link is
refused with a page that says so; a second Send shows "already answered".
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.causes import Cause
from core.ratelimit import allow_each, client_address
from notifications.links import LinkError, read_token

from .answering import AnswerErrors, Outcome, answer_survey, clean_answers
from .models import SurveyResponse, SurveySend

# Accepted submissions an hour: a send and its contact are one person; an address may
# be a whole office, so it only stops a flood.
SUBMIT_WINDOW = timedelta(hours=1)
PER_LINK, PER_CONTACT, PER_ADDRESS = 10, 20, 200


class InvalidLink(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _send_for(token: str) -> SurveySend:
    try:
        link = read_token("survey", token)
    except LinkError as error:
        raise InvalidLink(error.reason) from None
    send = (
        SurveySend.objects.select_related("version__survey", "account", "contact")
        .filter(nonce=link.nonce, contact=link.contact)
        .first()
    )
    if send is None:
        raise InvalidLink("invalid")
    return send


def _invalid(request: HttpRequest, reason: str) -> HttpResponse:
    context = {"expired": reason == "expired"}
    return render(request, "surveys/respond/link_invalid.html", context, status=400)


def _over_limit(request: HttpRequest, send: SurveySend) -> bool:
    limits = {
        f"survey:link:{send.nonce}": PER_LINK,
        f"survey:contact:{send.contact_id}": PER_CONTACT,
        f"survey:addr:{client_address(request)}": PER_ADDRESS,
    }
    return not allow_each(limits=limits, window=SUBMIT_WINDOW)


def _already(request: HttpRequest, send: SurveySend, response: SurveyResponse) -> HttpResponse:
    zone = ZoneInfo(send.account.timezone or settings.TIME_ZONE)
    context = {"send": send, "answered_on": response.submitted_at.astimezone(zone).date()}
    return render(request, "surveys/respond/already.html", context)


def _page(request, send, questions, given, errors, status=200) -> HttpResponse:
    rows = [
        {"question": q, "given": list(given.get(q.key, [])), "error": errors.get(q.key, "")}
        for q in questions
    ]
    context = {"send": send, "version": send.version, "rows": rows, "errors": errors}
    return render(request, "surveys/respond/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The survey's questions; Send records the contact's answers once."""
    try:
        send = _send_for(token)
    except InvalidLink as invalid:
        return _invalid(request, invalid.reason)
    response = SurveyResponse.objects.filter(send=send).first()
    if response is not None:
        return _already(request, send, response)
    questions = list(send.version.questions.all())
    if request.method == "GET":
        # A scale link from the e-mail (?nps=9) fills in its answer; nothing is recorded.
        given = {q.key: request.GET.getlist(q.key) for q in questions if q.key in request.GET}
        return _page(request, send, questions, given, {})
    given = {q.key: request.POST.getlist(f"q-{q.key}") for q in questions}
    try:
        clean_answers(questions, given)  # every mistake shown before a limit is counted
    except AnswerErrors as wrong:
        return _page(request, send, questions, given, wrong.errors, status=400)
    if _over_limit(request, send):
        return render(request, "portal/rate_limited.html", status=429)
    try:
        answered = answer_survey(
            send=send, given=given, cause=Cause.by_customer(f"survey ({send.contact.email})")
        )
    except AnswerErrors as wrong:  # the survey's questions cannot change under a send
        return _page(request, send, questions, given, wrong.errors, status=400)
    if answered.outcome == Outcome.ALREADY:
        return _already(request, send, answered.response)
    return redirect("survey_answers:thanks", token=token)


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """The survey's thank-you text, after its answers are recorded."""
    try:
        send = _send_for(token)
    except InvalidLink as invalid:
        return _invalid(request, invalid.reason)
    return render(request, "surveys/respond/thanks.html", {"send": send, "version": send.version})
