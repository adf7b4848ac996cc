"""Sending a survey: its e-mail link through the outbox (surveys.sending), or, with
`"via": "chat"`, its first question as a one-question poll in the contact's
conversation (surveys.polls, conversations.services)."""

from django.core.exceptions import ValidationError

from accounts.models import Contact
from conversations.services import post_playbook_message
from notifications.models import Audience, Channel, MessageTemplate
from surveys.models import Survey
from surveys.polls import poll_for, poll_refusal
from surveys.sending import DEFAULT_TEMPLATE, open_send
from surveys.sending import send_survey as send

from .base import StepContext
from .messages import TEMPLATE_KEY_LENGTH
from .params import Params

SURVEY_KEY_LENGTH = Survey._meta.get_field("key").max_length
VIAS = ["email", "chat"]


def _poll(ctx: StepContext, survey: Survey, contact: Contact | None) -> str:
    """The survey's first question posted in the chat, once per (run, step)."""
    refusal = poll_refusal(survey)  # the survey may have changed since the step was saved
    if refusal:
        return f"Skipped: {refusal}"
    try:
        send, _ = open_send(
            survey=survey,
            account=ctx.current_account(),
            contact=contact,
            cause=ctx.cause,
            cause_key=ctx.key,
        )
    except ValidationError as refusal:
        return f"Skipped: {refusal.messages[0]}"
    text, poll = poll_for(send)
    posted = post_playbook_message(
        account=ctx.current_account(),
        contact=send.contact,
        body=text,
        dedupe_key=ctx.key,
        cause=ctx.cause,
        poll=poll,
    )
    said = "Asked" if posted.created else "Already asked"
    return f"{said} “{survey.name}” in the chat to {send.contact.name}."


def send_survey(ctx: StepContext, params: dict) -> str:
    """Send `survey` to the primary contact (or `contact`, e.g. data.contact_id), once a step."""
    survey = Survey.objects.filter(key=params["survey"]).first()
    if survey is None:
        return f"Skipped: there is no survey {params['survey']!r} any more."
    contact = None
    if params.get("contact"):
        contact = Contact.objects.filter(
            pk=ctx.value(params["contact"]), account=ctx.account
        ).first()
        if contact is None:
            return f"Skipped: the contact this step names ({params['contact']}) is gone."
    if params.get("via") == "chat":
        return _poll(ctx, survey, contact)
    try:
        sent = send(
            survey=survey,
            account=ctx.current_account(),
            contact=contact,
            cause=ctx.cause,
            cause_key=ctx.key,
            template_key=params.get("template") or DEFAULT_TEMPLATE,
            data=ctx.event.data,
        )
    except ValidationError as refusal:
        return f"Skipped: {refusal.messages[0]}"
    message = sent.message
    state = message.get_status_display().lower()
    reason = f" ({message.last_error})" if message.last_error else ""
    return f"Survey “{survey.name}” to {message.recipient}: {state}{reason}."


def check(params: dict) -> None:
    """`survey` (its key); optionally `via` ("email", the default, or "chat": a poll),
    `template` (the e-mail's) and `contact`."""
    read = Params(params, allowed=["survey", "via", "template", "contact"])
    read.text("survey", max_length=SURVEY_KEY_LENGTH, required=True)
    via = read.choice("via", VIAS)
    read.text("template", max_length=TEMPLATE_KEY_LENGTH)
    read.reference("contact")
    if via == "chat" and params.get("template"):
        read.refuse("A chat poll has no e-mail template: leave “template” out.")
    read.done()


def validate(params: dict) -> None:
    check(params)
    survey = Survey.objects.filter(key=params["survey"]).first()
    if survey is None:
        raise ValidationError(f"There is no survey {params['survey']!r} (see Surveys).")
    if params.get("via") == "chat":
        if refusal := poll_refusal(survey):
            raise ValidationError(refusal)
        return
    key = params.get("template") or DEFAULT_TEMPLATE
    template = MessageTemplate.objects.filter(key=key).first()
    if template is None:
        raise ValidationError(f"There is no message template {key!r}.")
    if template.channel != Channel.EMAIL or template.audience != Audience.CUSTOMER:
        raise ValidationError(f"Template {key!r} is not a customer e-mail.")
