"""The booking e-mails and their iCalendar invitation (.ics), through the outbox.

One invitation per booking (its UID); each change sends it again with a higher
SEQUENCE, so the customer's calendar updates the event instead of adding a second.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from core import clock
from core.causes import Cause
from notifications.models import Message
from notifications.services import queue_customer_message

from .links import manage_links
from .models import Booking

CONFIRMED, RESCHEDULED, CANCELLED = "booking-confirmed", "booking-rescheduled", "booking-cancelled"


def company_name() -> str:
    return settings.COMPANY_NAME


def _host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "opencsm"


def uid(booking: Booking) -> str:
    """The event's identity in every calendar, for all its versions."""
    return f"booking-{booking.pk}@{_host()}"


def invitation(booking: Booking, *, cancelled: bool = False) -> bytes:
    """The .ics for `booking` as it is now (a cancellation when `cancelled`)."""
    kind = booking.meeting_kind
    calendar = Calendar()
    calendar.add("prodid", "-//OpenCSM//Booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", clock.now().astimezone(UTC))
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("summary", f"{kind.name} with {company_name()}")
    links = manage_links(booking)
    description = kind.description
    if not cancelled:
        description += (
            f"\n\nNeed another time? {links['reschedule']}\nCan't make it? {links['cancel']}"
        )
    event.add("description", description.strip())
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{booking.staff.email or settings.COMPANY_SUPPORT_EMAIL}")
    organizer.params["cn"] = vText(booking.staff.get_full_name() or company_name())
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{booking.contact.email}")
    attendee.params["cn"] = vText(booking.contact.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def message_data(booking: Booking) -> dict[str, object]:
    """What the booking e-mails say: times in the customer's own timezone."""
    return {
        "meeting_kind": booking.meeting_kind.name,
        "agenda": booking.meeting_kind.description,
        "starts_at": clock.format_local(booking.starts_at, booking.timezone),
        "timezone": booking.timezone,
        "duration_minutes": booking.meeting_kind.duration_minutes,
        "staff_name": booking.staff.get_full_name() or booking.staff.get_username(),
    }


def queue_invitation(*, booking: Booking, template_key: str, cause: Cause) -> Message:
    """Queue the e-mail about `booking`'s latest change with its .ics (once per version)."""
    cancelled = template_key == CANCELLED
    message, _ = queue_customer_message(
        account=booking.contact.account,
        contact=booking.contact,
        template_key=template_key,
        cause_key=f"booking:{booking.pk}:seq:{booking.sequence}:{template_key}",
        cause=cause,
        data=message_data(booking),
        links={} if cancelled else manage_links(booking),
        attachments=[
            {
                "filename": "invite.ics",
                "mimetype": "text/calendar",
                "content": invitation(booking, cancelled=cancelled).decode(),
            }
        ],
    )
    return message
