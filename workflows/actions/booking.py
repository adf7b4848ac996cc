"""Offering a booking link: an e-mail with the contact's own booking page (booking app)."""

from django.core.exceptions import ValidationError

from booking.links import page_url
from booking.models import MeetingKind
from booking.selectors import availability_of, kinds_taken
from notifications.caps import CapReached
from notifications.models import Audience, Channel, MessageTemplate
from notifications.services import queue_customer_message

from .base import StepContext
from .params import Params

DEFAULT_TEMPLATE = "booking-offer"
SLUG_LENGTH = MeetingKind._meta.get_field("slug").max_length


def offer_booking(ctx: StepContext, params: dict) -> str:
    """E-mail the primary contact a link to book `meeting_kind` (or to choose one) with the
    account's owner, once per run and step; skipped when the owner takes no bookings."""
    account = ctx.current_account()
    contact = account.contacts.filter(is_primary=True).first()
    if contact is None:
        return "Skipped: the account has no primary contact."
    kinds = kinds_taken(availability_of(account.owner_id))
    slug = params.get("meeting_kind", "")
    kind = next((k for k in kinds if k.slug == slug), None) if slug else None
    if not kinds or (slug and kind is None):
        what = f"{slug!r} bookings" if slug else "bookings"
        return f"Skipped: the account's owner takes no {what}."
    shown = kind or kinds[0]
    owner = account.owner
    try:
        message, _ = queue_customer_message(
            account=account,
            contact=contact,
            template_key=params.get("template") or DEFAULT_TEMPLATE,
            cause_key=ctx.key,
            cause=ctx.cause,
            data={
                **ctx.event.data,
                "meeting_kind": shown.name if kind else "call",
                "agenda": shown.description if kind else "",
                "duration_minutes": shown.duration_minutes,
                "staff_name": owner.get_full_name() or owner.get_username(),
            },
            links={"booking": page_url(contact, kind)},
        )
    except CapReached as held_back:
        return f"Skipped: {held_back}"
    state = message.get_status_display().lower()
    reason = f" ({message.last_error})" if message.last_error else ""
    return f"Booking link to {message.recipient}: {state}{reason}."


def check(params: dict) -> None:
    """Optionally `meeting_kind` (a kind's slug; none: the customer chooses) and `template`."""
    read = Params(params, allowed=["meeting_kind", "template"])
    read.text("meeting_kind", max_length=SLUG_LENGTH)
    read.text("template", max_length=MessageTemplate._meta.get_field("key").max_length)
    read.done()


def validate(params: dict) -> None:
    """`check`, then that the kind and the template exist (a customer e-mail)."""
    check(params)
    slug = params.get("meeting_kind")
    if slug and not MeetingKind.objects.filter(slug=slug, is_active=True).exists():
        raise ValidationError(f"There is no meeting kind {slug!r}.")
    key = params.get("template") or DEFAULT_TEMPLATE
    template = MessageTemplate.objects.filter(key=key).first()
    if template is None:
        raise ValidationError(f"There is no message template {key!r}.")
    if template.channel != Channel.EMAIL or template.audience != Audience.CUSTOMER:
        raise ValidationError(f"Template {key!r} is not a customer e-mail.")
