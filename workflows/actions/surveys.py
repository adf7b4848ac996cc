"""Sending a survey: its e-mail link through the outbox (surveys.sending)."""

from django.core.exceptions import ValidationError

from accounts.models import Contact
from notifications.models import Audience, Channel, MessageTemplate
from surveys.models import Survey
from surveys.sending import DEFAULT_TEMPLATE
from surveys.sending import send_survey as send

from .base import StepContext
from .messages import TEMPLATE_KEY_LENGTH
from .params import Params

SURVEY_KEY_LENGTH = Survey._meta.get_field("key").max_length


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
    """`survey` (its key); optionally `template` (the e-mail) and `contact`."""
    read = Params(params, allowed=["survey", "template", "contact"])
    read.text("survey", max_length=SURVEY_KEY_LENGTH, required=True)
    read.text("template", max_length=TEMPLATE_KEY_LENGTH)
    read.reference("contact")
    read.done()


def validate(params: dict) -> None:
    check(params)
    if not Survey.objects.filter(key=params["survey"]).exists():
        raise ValidationError(f"There is no survey {params['survey']!r} (see Surveys).")
    key = params.get("template") or DEFAULT_TEMPLATE
    template = MessageTemplate.objects.filter(key=key).first()
    if template is None:
        raise ValidationError(f"There is no message template {key!r}.")
    if template.channel != Channel.EMAIL or template.audience != Audience.CUSTOMER:
        raise ValidationError(f"Template {key!r} is not a customer e-mail.")
