"""The opt-out rule, applied when a message is queued and again when it is sent."""

from accounts.models import Contact, OptOutChannel
from accounts.selectors import contact_opt_out

from .models import Channel


def opt_out_reason(contact: Contact, *, channel: str, transactional: bool) -> str:
    """Why `contact` must not get this message, or "" if they may.

    Opt-outs belong to the address, whichever account lists it: an e-mail
    unsubscribe stops every non-transactional e-mail, a STOP reply stops every
    SMS, transactional or not.
    """
    if channel == Channel.EMAIL and not transactional:
        opt_out = contact_opt_out(contact, OptOutChannel.EMAIL)
        if opt_out:
            return f"{contact.email} unsubscribed from e-mail on {opt_out.created_at:%Y-%m-%d}."
    if channel == Channel.SMS:
        opt_out = contact_opt_out(contact, OptOutChannel.SMS)
        if opt_out:
            return f"{contact.phone} opted out of SMS on {opt_out.created_at:%Y-%m-%d}."
    return ""
