"""The signed links of booking: a contact's booking page, and a booking's own page.

A booking-page link names the contact (and, optionally, the meeting kind) and expires
after PORTAL_LINK_DAYS, as the other customer form links do. A booking's link (move
or cancel it) names the booking and the start it was sent for, and expires at that
start: after the meeting has begun there is nothing left to move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Contact
from core import clock
from notifications.links import LinkError
from notifications.templating import absolute_url

from .models import Booking, MeetingKind

PAGE_SALT = "booking.page"
MANAGE_SALT = "booking.manage"


@dataclass(frozen=True)
class PageLink:
    contact: Contact
    kind_slug: str  # "" lets the customer choose among the kinds the owner takes


def page_token(contact: Contact, kind: MeetingKind | None = None) -> str:
    """A token for `contact`'s booking page (of one meeting kind, if given)."""
    payload = {"c": contact.pk, "k": kind.slug if kind else ""}
    return signing.dumps(payload, salt=PAGE_SALT, compress=True)


def page_url(contact: Contact, kind: MeetingKind | None = None) -> str:
    """The booking page's address, for a message."""
    return absolute_url(reverse("booking:page", args=[page_token(contact, kind)]))


def read_page_token(token: str) -> PageLink:
    """The contact (and kind) a booking-page token names, or LinkError."""
    try:
        payload = signing.loads(token, salt=PAGE_SALT, max_age=settings.PORTAL_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    contact = Contact.objects.select_related("account__owner").filter(pk=payload.get("c")).first()
    if contact is None or not isinstance(payload.get("k", ""), str):
        raise LinkError("invalid")
    return PageLink(contact=contact, kind_slug=payload.get("k", ""))


def manage_token(booking: Booking) -> str:
    """A token for moving or cancelling `booking`, valid until it starts."""
    return token_for(booking_id=booking.pk, starts_at=booking.starts_at)


def token_for(*, booking_id: int, starts_at: datetime) -> str:
    """`manage_token` from the two values it signs (no query: the reminders' sweep)."""
    payload = {"b": booking_id, "e": int(starts_at.timestamp())}
    return signing.dumps(payload, salt=MANAGE_SALT, compress=True)


def reschedule_url(*, booking_id: int, starts_at: datetime) -> str:
    """Where a reminder about a booking made here sends a customer to pick another time."""
    token = token_for(booking_id=booking_id, starts_at=starts_at)
    return absolute_url(reverse("booking:reschedule", args=[token]))


def manage_links(booking: Booking) -> dict[str, str]:
    """The reschedule and cancel links an e-mail about `booking` carries."""
    token = manage_token(booking)
    return {
        "reschedule": absolute_url(reverse("booking:reschedule", args=[token])),
        "cancel": absolute_url(reverse("booking:cancel", args=[token])),
    }


def read_manage_token(token: str) -> Booking:
    """The booking a token names, or LinkError: "expired" once the meeting it was sent for
    has begun (or the booking is no longer live), "invalid" if tampered with."""
    try:
        payload = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        raise LinkError("invalid") from None
    expires = payload.get("e")
    if type(expires) is not int:
        raise LinkError("invalid")
    booking = (
        Booking.objects.select_related("appointment", "contact__account", "staff", "meeting_kind")
        .filter(pk=payload.get("b"))
        .first()
    )
    if booking is None:
        raise LinkError("invalid")
    now = clock.now()
    if now >= datetime.fromtimestamp(expires, UTC) or now >= booking.starts_at:
        raise LinkError("expired")
    return booking
