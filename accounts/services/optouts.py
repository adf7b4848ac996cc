"""A contact's address opting out of messages: recorded for the address, on every account."""

from django.db import transaction

from core import clock
from core.causes import Cause

from ..models import (
    AccountEvent,
    AccountEventKind,
    Contact,
    OptOut,
    OptOutChannel,
    normalized_address,
)


@transaction.atomic
def opt_out_contact(
    *, contact: Contact, cause: Cause, email: bool = False, sms: bool = False
) -> bool:
    """Record that a contact's address wants no more non-transactional e-mail and/or any SMS.

    The opt-out belongs to the address (OptOut), so it holds on every account
    that lists the same e-mail or phone. Returns False if the addresses asked
    had already opted out. The outbox checks them for every message.
    """
    current = Contact.objects.get(pk=contact.pk)
    asked = [
        (OptOutChannel.EMAIL, current.email) if email else None,
        (OptOutChannel.SMS, current.phone) if sms else None,
    ]
    fields = []
    for channel, address in filter(None, asked):
        normalized = normalized_address(channel, address)
        if not normalized:
            continue
        _, created = OptOut.objects.get_or_create(
            channel=channel,
            address=normalized,
            defaults={"created_at": clock.now(), **cause.as_fields()},
        )
        if created:
            fields.append(f"{channel}_opt_out")
    if not fields:
        return False
    AccountEvent.objects.create(
        account_id=contact.account_id,
        kind=AccountEventKind.CONTACT_CHANGED,
        data={"contact_id": contact.pk, "fields": fields},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    return True
