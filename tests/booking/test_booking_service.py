"""booking.services.book_meeting: one booking per staff member's time, refusals that
write nothing, and the same trigger kinds as the events API's appointment.booked."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from activity.models import Appointment, AppointmentStatus
from booking.models import Booking
from booking.services import book_meeting, cancel_meeting
from core.causes import Cause
from notifications.models import Message
from tests.factories import AccountFactory, ContactFactory
from workflows.models import TriggerEvent

from .conftest import BERLIN, NOW, at

pytestmark = pytest.mark.usefixtures("frozen_time")
BY_CUSTOMER = Cause.by_customer("booking page")
TUESDAY_10 = at(BERLIN, 3, 9, 10)


def book(contact, kind, starts_at=TUESDAY_10, timezone="America/New_York"):
    return book_meeting(
        contact=contact, kind=kind, starts_at=starts_at, timezone=timezone, cause=BY_CUSTOMER
    )


def nothing_written():
    return (Booking.objects.count(), Appointment.objects.count(), Message.objects.count()) == (
        0,
        0,
        0,
    )


def test_booking_a_free_slot_books_the_owners_appointment_and_queues_the_invitation(
    customer, walkthrough, owner
):
    booking, created = book(customer, walkthrough)

    assert created
    appointment = booking.appointment
    assert appointment.assignee == owner
    assert appointment.contact == customer
    assert appointment.kind == walkthrough.appointment_kind
    assert appointment.starts_at == TUESDAY_10
    assert appointment.duration_minutes == 30
    assert booking.blocked_until == TUESDAY_10 + timedelta(minutes=40)
    # The same trigger kind as the events API's appointment.booked: f1 follows unchanged.
    assert (
        TriggerEvent.objects.filter(kind="appointment_booked", account=customer.account).count()
        == 1
    )
    [message] = Message.objects.filter(contact=customer)
    assert message.template.key == "booking-confirmed"
    assert message.attachments[0]["filename"] == "invite.ics"


def test_the_same_booking_sent_twice_is_one_booking(customer, walkthrough):
    first, _ = book(customer, walkthrough)
    again, created = book(customer, walkthrough)

    assert again == first
    assert not created
    assert Appointment.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_taken_time_is_refused_for_another_customer_even_overlapping_with_the_buffer(
    customer, walkthrough, owner
):
    book(customer, walkthrough)
    other = ContactFactory(account=AccountFactory(owner=owner))
    for start in (TUESDAY_10, TUESDAY_10 + timedelta(minutes=30)):  # 10:30 is in the buffer
        with pytest.raises(ValidationError) as refused:
            book(other, walkthrough, starts_at=start)
        assert refused.value.code == "taken"
        assert "just taken" in refused.value.messages[0]
    assert Booking.objects.count() == 1
    assert not Appointment.objects.filter(account=other.account).exists()


@pytest.mark.parametrize(
    ("starts_at", "code"),
    [
        (at(BERLIN, 3, 9, 12), "outside_hours"),  # lunch
        (at(BERLIN, 3, 13, 10), "outside_hours"),  # a Saturday
        (at(BERLIN, 3, 9, 10, 15), "outside_hours"),  # not a slot's start
        (NOW - timedelta(days=1), "past"),
        (NOW + timedelta(minutes=30), "past"),  # less than the notice
        (at(BERLIN, 4, 5, 10), "too_far"),
    ],
)
def test_a_time_not_on_offer_is_refused_and_nothing_is_written(
    customer, walkthrough, starts_at, code
):
    with pytest.raises(ValidationError) as refused:
        book(customer, walkthrough, starts_at=starts_at)
    assert refused.value.code == code
    assert nothing_written()


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "", "../etc", "x" * 500])
def test_an_unknown_timezone_is_refused_and_nothing_is_written(customer, walkthrough, timezone):
    with pytest.raises(ValidationError) as refused:
        book(customer, walkthrough, timezone=timezone)
    assert refused.value.code == "bad_timezone"
    assert nothing_written()


def test_a_kind_the_owner_does_not_take_is_refused(customer, owner):
    from booking.models import MeetingKind

    session = MeetingKind.objects.get(slug="success-session")
    with pytest.raises(ValidationError) as refused:
        book(customer, session)
    assert refused.value.code == "kind_not_offered"
    assert nothing_written()


def test_an_owner_without_availability_takes_no_bookings(walkthrough):
    contact = ContactFactory(account=AccountFactory())
    with pytest.raises(ValidationError) as refused:
        book(contact, walkthrough)
    assert refused.value.code == "not_bookable"


def test_a_cancelled_booking_frees_its_time_for_someone_else(customer, walkthrough, owner):
    booking, _ = book(customer, walkthrough)
    assert cancel_meeting(booking=booking, cause=BY_CUSTOMER)
    assert not cancel_meeting(booking=booking, cause=BY_CUSTOMER)

    other = ContactFactory(account=AccountFactory(owner=owner))
    second, created = book(other, walkthrough)
    assert created
    assert second.starts_at == TUESDAY_10
    booking.appointment.refresh_from_db()
    assert booking.appointment.status == AppointmentStatus.CANCELLED
    assert TriggerEvent.objects.filter(kind="appointment_cancelled").count() == 1


def test_an_appointment_the_api_reported_for_the_staff_member_is_busy_time(
    customer, walkthrough, owner
):
    from activity.services.appointments import book_appointment

    book_appointment(
        account=customer.account,
        kind="walkthrough",
        starts_at=TUESDAY_10,
        assignee=owner,
        external_id="cal_9",
        cause=Cause.by_api("calendar"),
    )
    with pytest.raises(ValidationError) as refused:
        book(customer, walkthrough)
    assert refused.value.code == "taken"
