"""booking.services.reschedule_meeting: the same appointment moves, so f1's reminders
move with it, and the customer's invitation is sent again (SEQUENCE + 1)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from activity.models import Appointment
from activity.services.appointments import reschedule_appointment
from booking.models import Booking
from booking.services import book_meeting, cancel_meeting, reschedule_meeting
from core.causes import Cause
from notifications.models import Message
from tests.factories import AccountFactory, ContactFactory
from workflows.models import TriggerEvent
from workflows.sweeps import appointment_reminders

from .conftest import BERLIN, at

pytestmark = pytest.mark.usefixtures("frozen_time")
BY_CUSTOMER = Cause.by_customer("booking link")
FIRST, MOVED = at(BERLIN, 3, 10, 10), at(BERLIN, 3, 12, 14)


@pytest.fixture
def booking(customer, walkthrough):
    booked, _ = book_meeting(
        contact=customer,
        kind=walkthrough,
        starts_at=FIRST,
        timezone="America/New_York",
        cause=BY_CUSTOMER,
    )
    return booked


def reminder_keys(kind):
    return sorted(TriggerEvent.objects.filter(kind=kind).values_list("event_key", flat=True))


def test_moving_a_booking_moves_its_reminders_to_the_new_time(booking, frozen_time):
    frozen_time.move_to(FIRST - timedelta(days=1))
    assert appointment_reminders() == 1
    [day] = TriggerEvent.objects.filter(kind="appointment_reminder_day")
    assert "/c/meeting/" in day.data["reschedule_url"]
    assert day.data["reschedule_url"].endswith("/reschedule/")

    assert reschedule_meeting(booking=booking, starts_at=MOVED, cause=BY_CUSTOMER)
    assert not reschedule_meeting(booking=booking, starts_at=MOVED, cause=BY_CUSTOMER)

    frozen_time.move_to(FIRST - timedelta(hours=1))
    assert appointment_reminders() == 0  # nothing left at the old time
    frozen_time.move_to(MOVED - timedelta(days=1))
    assert appointment_reminders() == 1
    frozen_time.move_to(MOVED - timedelta(hours=1))
    assert appointment_reminders() == 1
    appointment = Appointment.objects.get()
    old, new = (f"{appointment.pk}:{int(t.timestamp())}" for t in (FIRST, MOVED))
    assert reminder_keys("appointment_reminder_day") == sorted([old, new])
    assert reminder_keys("appointment_reminder_hour") == [new]
    assert TriggerEvent.objects.filter(kind="appointment_rescheduled").count() == 1


def test_the_moved_booking_holds_its_new_time_and_frees_the_old(booking, owner, walkthrough):
    reschedule_meeting(booking=booking, starts_at=MOVED, cause=BY_CUSTOMER)
    booking.refresh_from_db()
    assert booking.sequence == 1
    assert booking.ends_at == MOVED + timedelta(minutes=30)
    templates = list(Message.objects.order_by("pk").values_list("template__key", flat=True))
    assert templates == ["booking-confirmed", "booking-rescheduled"]

    other = ContactFactory(account=AccountFactory(owner=owner))
    _, created = book_meeting(
        contact=other, kind=walkthrough, starts_at=FIRST, timezone="UTC", cause=BY_CUSTOMER
    )
    assert created


def test_moving_onto_a_taken_or_closed_time_is_refused_and_changes_nothing(
    booking, owner, walkthrough
):
    other = ContactFactory(account=AccountFactory(owner=owner))
    book_meeting(
        contact=other, kind=walkthrough, starts_at=MOVED, timezone="UTC", cause=BY_CUSTOMER
    )
    for start, code in ((MOVED, "taken"), (at(BERLIN, 3, 13, 10), "outside_hours")):
        with pytest.raises(ValidationError) as refused:
            reschedule_meeting(booking=booking, starts_at=start, cause=BY_CUSTOMER)
        assert refused.value.code == code
    booking.refresh_from_db()
    assert booking.starts_at == FIRST
    assert booking.sequence == 0
    assert Appointment.objects.get(pk=booking.appointment_id).starts_at == FIRST


def test_a_booking_may_move_by_half_an_hour_over_its_own_time(booking):
    assert reschedule_meeting(
        booking=booking, starts_at=FIRST + timedelta(minutes=30), cause=BY_CUSTOMER
    )


def test_a_cancelled_booking_cannot_be_moved(booking):
    cancel_meeting(booking=booking, cause=BY_CUSTOMER)
    with pytest.raises(ValidationError) as refused:
        reschedule_meeting(booking=booking, starts_at=MOVED, cause=BY_CUSTOMER)
    assert refused.value.code == "cancelled"


def test_the_events_api_moving_or_cancelling_the_appointment_moves_the_booking_too(
    booking, django_capture_on_commit_callbacks
):
    by_api = Cause.by_api("appointment.rescheduled")
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_appointment(appointment=booking.appointment, starts_at=MOVED, cause=by_api)
    booking.refresh_from_db()
    assert booking.starts_at == MOVED
    assert booking.sequence == 1

    from activity.services.appointments import cancel_appointment

    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(appointment=booking.appointment, cause=by_api)
    booking.refresh_from_db()
    assert not booking.holds_time
    assert Booking.objects.filter(holds_time=True).count() == 0
