"""Customer touches: e-mail and SMS through the outbox."""

from django.core.exceptions import ValidationError

from accounts.models import Contact
from notifications.caps import CapReached
from notifications.models import Audience, Channel, MessageTemplate
from notifications.services import queue_customer_message

from .base import StepContext
from .params import REFERENCE_LENGTH, Params


def send_email(ctx: StepContext, params: dict) -> str:
    return _send(ctx, params)


def send_sms(ctx: StepContext, params: dict) -> str:
    return _send(ctx, params)


def _send(ctx: StepContext, params: dict) -> str:
    """Queue the template to the primary contact (or `contact`), unless the outbox holds it.

    How often a template may repeat is the outbox's rule (the template's repeat rule,
    notifications.caps), not the step's: a repeat inside its window is recorded as
    skipped. Steps of versions published before that carry `throttle_days`, which the
    template's rule replaced (workflows migration 0020); it is ignored.
    """
    template = params["template"]
    contact = None
    if params.get("contact"):
        # e.g. "data.contact_id": the contact who asked, not the primary contact.
        contact = Contact.objects.filter(
            pk=ctx.value(params["contact"]), account=ctx.account
        ).first()
        if contact is None:
            return f"Skipped: the contact this step names ({params['contact']}) is gone."
    try:
        message, _ = queue_customer_message(
            account=ctx.current_account(),
            contact=contact,
            template_key=template,
            cause_key=ctx.key,
            cause=ctx.cause,
            data=ctx.event.data,
            # e.g. {"reschedule": "data.reschedule_url"}: links taken from the trigger's data.
            links={
                name: str(ctx.value(ref) or "") for name, ref in (params.get("links") or {}).items()
            },
        )
    except CapReached as held_back:
        return f"Skipped: {held_back}"
    state = message.get_status_display().lower()
    reason = f" ({message.last_error})" if message.last_error else ""
    return f"{message.get_channel_display()} {template} to {message.recipient}: {state}{reason}."


# How long a message may hold back its repeats: ten years is "once".
LONGEST_THROTTLE_DAYS = 3650
TEMPLATE_KEY_LENGTH = MessageTemplate._meta.get_field("key").max_length


# A step's own repeat limit, before the outbox's template rule replaced it: still read in
# versions published before, refused in anything saved or imported now.
LEGACY = ("throttle_days", "throttle_scope")


def check(params: dict) -> None:
    """`template`; optionally `contact` and `links` (and the legacy `throttle_days` with a
    `throttle_scope`, which old versions carry)."""
    read = Params(
        params, allowed=["template", "throttle_days", "throttle_scope", "contact", "links"]
    )
    read.text("template", max_length=TEMPLATE_KEY_LENGTH, required=True)
    # 0 (or none): every trigger sends.
    read.whole_number("throttle_days", minimum=0, maximum=LONGEST_THROTTLE_DAYS)
    read.text("throttle_scope", max_length=REFERENCE_LENGTH)
    read.reference("contact")
    read.links("links")
    read.done()


def validate_email(params: dict) -> None:
    _validate(params, Channel.EMAIL)


def validate_sms(params: dict) -> None:
    _validate(params, Channel.SMS)


def _validate(params: dict, channel: str) -> None:
    check(params)
    if any(params.get(name) for name in LEGACY):
        raise ValidationError(
            "How often a message may repeat is its template's rule now (Message templates: "
            "“at most once every (days)”); remove `throttle_days` and `throttle_scope`."
        )
    template = MessageTemplate.objects.filter(key=params["template"]).first()
    if template is None:
        raise ValidationError(f"There is no message template {params['template']!r}.")
    if template.channel != channel or template.audience != Audience.CUSTOMER:
        raise ValidationError(
            f"Template {template.key!r} is a {template.get_audience_display().lower()} "
            f"{template.get_channel_display()}, not a customer {Channel(channel).label}."
        )
