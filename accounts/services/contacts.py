"""Contacts at an account: one door to create or update them, whoever reports them.

A field left out (None) keeps the contact's stored value and "" clears it,
so a sender that leaves the phone out of a re-sent sign-up does not erase
it. The checks are public so a batch (accounts.services.signups) refuses
exactly what this door refuses.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from core import clock
from core.causes import Cause
from core.handover import record_and_announce_many
from core.inputs import email_address, text_for_field

from .. import signals
from ..models import Account, AccountEvent, AccountEventKind, Contact
from .checks import clean_external_id, require_same_account
from .locks import lock_account

_field = Contact._meta.get_field


def contact_changes(
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_primary: bool | None = None,
    external_id: str = "",
) -> dict[str, Any]:
    """What a report asks of a contact, checked: the fields given (None: left out),
    and the external id when there is one. Raises ValidationError saying why not."""
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = text_for_field(name, _field("name"), "The contact's name")
        if not wanted["name"]:
            raise ValidationError("A contact needs a name.", code="required")
    if email is not None:
        wanted["email"] = email_address(email) if email.strip() else ""
    if phone is not None:
        wanted["phone"] = text_for_field(phone, _field("phone"), "The phone number")
        if wanted["phone"] and not _is_e164(wanted["phone"]):
            raise ValidationError(
                f"Phone {phone!r} is not in E.164 form (e.g. +14155550100).",
                code="invalid_phone",
            )
    if is_primary is not None:
        wanted["is_primary"] = is_primary
    external_id = clean_external_id(external_id, _field("external_id"), "The contact's external id")
    if external_id:
        wanted["external_id"] = external_id
    return wanted


def new_contact(account: Account, wanted: dict[str, Any]) -> tuple[Contact, list[str]]:
    """An unsaved contact of `account` with the `contact_changes` asked (a new one is
    not primary unless asked), and the fields it sets; refused without a name."""
    if "name" not in wanted:
        raise ValidationError("A new contact needs a name.", code="required")
    values = {"email": "", "phone": "", "is_primary": False, **wanted}
    return Contact(account=account, **values), sorted(values)


class ContactChange(NamedTuple):
    """A contact just saved, for its history row and announcement."""

    contact: Contact
    fields: list[str]
    previous_primary_id: int | None
    cause: Cause


def record_contact_changes(changes: Sequence[ContactChange]) -> None:
    """The history row of each change (one INSERT) and its announcement after commit."""
    now = clock.now()
    events = AccountEvent.objects.bulk_create(
        AccountEvent(
            account_id=change.contact.account_id,
            kind=AccountEventKind.CONTACT_CHANGED,
            data={"contact_id": change.contact.pk, "fields": change.fields},
            created_at=now,
            **change.cause.as_fields(),
        )
        for change in changes
    )
    record_and_announce_many(
        signals.contact_changed,
        sender=Account,
        announcements=[
            {
                "account_id": change.contact.account_id,
                "event_id": event.pk,
                "contact_id": change.contact.pk,
                "previous_primary_id": change.previous_primary_id,
                "fields": change.fields,
                "cause": change.cause,
            }
            for change, event in zip(changes, events, strict=True)
        ],
    )


@transaction.atomic
def upsert_contact(
    *,
    account: Account,
    cause: Cause,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_primary: bool | None = None,
    external_id: str = "",
    contact: Contact | None = None,
) -> tuple[Contact, bool]:
    """Create or update a contact: `contact` if given, else matched by external id, then email.

    A field passed as None keeps the contact's current value (a new contact
    gets an empty one, and is not primary); "" clears it. A contact first
    created by e-mail and later sent with an external id is the same person:
    the id is filled in, not a second contact created. Making a contact
    primary demotes the previous primary contact. Returns (contact, changed);
    a call that changes nothing writes nothing.
    """
    wanted = contact_changes(
        name=name, email=email, phone=phone, is_primary=is_primary, external_id=external_id
    )
    locked = lock_account(account)
    require_same_account(contact, locked)
    contacts = Contact.objects.filter(account=locked)
    contact = contact or _matching_contact(contacts, wanted)
    if contact is None:
        contact, changed_fields = new_contact(locked, wanted)
    else:
        contact = contacts.get(pk=contact.pk)
        changed_fields = sorted(f for f in wanted if getattr(contact, f) != wanted[f])
        if not changed_fields:
            return contact, False
        for name_of_field in changed_fields:
            setattr(contact, name_of_field, wanted[name_of_field])
    previous_primary = None
    if wanted.get("is_primary"):
        demoted = contacts.filter(is_primary=True).exclude(pk=contact.pk)
        previous_primary = demoted.values_list("pk", flat=True).first()
        demoted.update(is_primary=False)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise ValidationError(
            f"Another contact of this account already uses {contact.email} or this external id.",
            code="contact_conflict",
        ) from None
    record_contact_changes([ContactChange(contact, changed_fields, previous_primary, cause)])
    return contact, True


def _matching_contact(contacts: QuerySet[Contact], wanted: dict[str, Any]) -> Contact | None:
    """The account's contact a report means: by external id, else by e-mail (unless
    that contact has another external id: the same address, another person)."""
    external_id, email = wanted.get("external_id"), wanted.get("email")
    found = contacts.filter(external_id=external_id).first() if external_id else None
    if found is None and email:
        found = contacts.filter(email__iexact=email).first()
        if found is not None and found.external_id and external_id:
            return None
    return found


def _is_e164(phone: str) -> bool:
    return phone.startswith("+") and phone[1:].isdigit() and 8 <= len(phone) <= 16
