"""The opt-out rule, applied when a message is queued and again when it is sent."""

from django.db.models import Q

from accounts.models import Contact, OptOut, OptOutChannel, normalized_address
from accounts.selectors import contact_opt_out

from .models import Channel, Message


def opt_out_reason(contact: Contact, *, channel: str, transactional: bool) -> str:
    """Why `contact` must not get this message, or "" if they may.

    Opt-outs belong to the address, whichever account lists it: an e-mail
    unsubscribe stops every non-transactional e-mail, a STOP reply stops every
    SMS, transactional or not.
    """
    opt_out_channel = _covering_channel(channel, transactional)
    if not opt_out_channel:
        return ""
    opt_out = contact_opt_out(contact, opt_out_channel)
    return _reason(contact, opt_out) if opt_out else ""


def opt_out_reasons(messages: list[Message]) -> dict[int, str]:
    """The same rule for a batch of messages (their contacts loaded), in one query:
    message id → why it must not be sent, for those that must not."""
    wanted: dict[int, tuple[str, str]] = {}
    for message in messages:
        opt_out_channel = _covering_channel(message.channel, message.transactional)
        if message.contact is None or not opt_out_channel:
            continue
        address = (
            message.contact.email
            if opt_out_channel == OptOutChannel.EMAIL
            else (message.contact.phone)
        )
        normalized = normalized_address(opt_out_channel, address)
        if normalized:
            wanted[message.pk] = (opt_out_channel, normalized)
    if not wanted:
        return {}
    by_channel: dict[str, set[str]] = {}
    for opt_out_channel, address in wanted.values():
        by_channel.setdefault(opt_out_channel, set()).add(address)
    found: dict[tuple[str, str], OptOut] = {}
    query = Q()
    for opt_out_channel, addresses in by_channel.items():
        query |= Q(channel=opt_out_channel, address__in=addresses)
    # Newest first, as contact_opt_out's .first(): the newest opt-out of an address wins.
    for opt_out in OptOut.objects.filter(query).order_by("created_at", "pk"):
        found[(opt_out.channel, opt_out.address)] = opt_out
    messages_by_id = {message.pk: message for message in messages}
    return {
        pk: _reason(messages_by_id[pk].contact, found[key])
        for pk, key in wanted.items()
        if key in found
    }


def _covering_channel(channel: str, transactional: bool) -> str:
    """The opt-out channel that stops this message, or "" if none can."""
    if channel == Channel.EMAIL and not transactional:
        return OptOutChannel.EMAIL
    if channel == Channel.SMS:
        return OptOutChannel.SMS
    return ""


def _reason(contact: Contact, opt_out: OptOut) -> str:
    if opt_out.channel == OptOutChannel.EMAIL:
        return f"{contact.email} unsubscribed from e-mail on {opt_out.created_at:%Y-%m-%d}."
    return f"{contact.phone} opted out of SMS on {opt_out.created_at:%Y-%m-%d}."
