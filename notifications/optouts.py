"""The opt-out rule, applied when a message is queued and again when it is sent."""

from accounts.models import Contact

from .models import Channel


def opt_out_reason(contact: Contact, *, channel: str, transactional: bool) -> str:
    """Why `contact` must not get this message, or "" if they may.

    An e-mail unsubscribe stops every non-transactional e-mail; a STOP reply
    stops every SMS, transactional or not.
    """
    if channel == Channel.EMAIL and contact.email_opted_out_at and not transactional:
        return f"{contact.name} unsubscribed from e-mail on {contact.email_opted_out_at:%Y-%m-%d}."
    if channel == Channel.SMS and contact.sms_opted_out_at:
        return f"{contact.name} opted out of SMS on {contact.sms_opted_out_at:%Y-%m-%d}."
    return ""
