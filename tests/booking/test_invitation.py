"""The .ics invitation, parsed back with icalendar: the agenda, the links, the times and
one UID whose SEQUENCE grows with each change."""

import pytest
from icalendar import Calendar

from booking.models import MeetingKind
from booking.services import book_meeting, cancel_meeting, reschedule_meeting
from core.causes import Cause
from notifications.models import Message

from .conftest import BERLIN, at

pytestmark = pytest.mark.usefixtures("frozen_time")
BY_CUSTOMER = Cause.by_customer("booking page")
START, MOVED = at(BERLIN, 3, 10, 10), at(BERLIN, 3, 11, 15)


def event_of(message):
    [attachment] = message.attachments
    assert attachment["mimetype"] == "text/calendar"
    calendar = Calendar.from_ical(attachment["content"])
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_invitation_names_the_meeting_its_agenda_and_the_links(customer, walkthrough, owner):
    MeetingKind.objects.filter(pk=walkthrough.pk).update(description="Reports and exports.")
    walkthrough.refresh_from_db()
    booking, _ = book_meeting(
        contact=customer,
        kind=walkthrough,
        starts_at=START,
        timezone="America/New_York",
        cause=BY_CUSTOMER,
    )
    message = Message.objects.get()
    calendar, event = event_of(message)

    assert str(calendar["method"]) == "REQUEST"
    assert event["uid"] == f"booking-{booking.pk}@127.0.0.1"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == START
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 30 * 60
    assert str(event["summary"]) == "Feature walkthrough with Example SaaS"
    description = str(event["description"])
    assert description.startswith("Reports and exports.")
    assert "/c/meeting/" in description
    assert "/reschedule/" in description
    assert "/cancel/" in description
    assert str(event["organizer"]) == f"mailto:{owner.email}"
    assert str(event["attendee"]) == "mailto:ana@acme.example"
    assert str(event["status"]) == "CONFIRMED"
    # The e-mail shows the time where the customer is (New York: 05:00 for Berlin's 10:00).
    assert "Wed 10 Mar, 04:00 EST" in message.body_text
    assert "Reports and exports." in message.body_text


def test_a_move_then_a_cancellation_update_the_same_event(customer, walkthrough):
    booking, _ = book_meeting(
        contact=customer, kind=walkthrough, starts_at=START, timezone="UTC", cause=BY_CUSTOMER
    )
    reschedule_meeting(booking=booking, starts_at=MOVED, cause=BY_CUSTOMER)
    booking.refresh_from_db()
    cancel_meeting(booking=booking, cause=BY_CUSTOMER)

    confirmed, moved, cancelled = Message.objects.order_by("pk")
    uids = {str(event_of(m)[1]["uid"]) for m in (confirmed, moved, cancelled)}
    assert len(uids) == 1
    assert [event_of(m)[1]["sequence"] for m in (confirmed, moved, cancelled)] == [0, 1, 2]
    assert event_of(moved)[1].decoded("dtstart") == MOVED
    calendar, event = event_of(cancelled)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert cancelled.subject.startswith("Cancelled:")


def test_the_sent_email_carries_the_ics_as_a_calendar_part(customer, walkthrough, mailoutbox):
    from notifications.transports.email import email_for

    book_meeting(
        contact=customer, kind=walkthrough, starts_at=START, timezone="UTC", cause=BY_CUSTOMER
    )
    email = email_for(Message.objects.select_related("account__owner", "contact").get(), None)
    [(filename, content, mimetype)] = email.attachments
    assert filename == "invite.ics"
    assert mimetype == "text/calendar"
    assert Calendar.from_ical(content).walk("VEVENT")
