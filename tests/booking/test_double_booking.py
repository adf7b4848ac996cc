"""No double booking, ever: 50 customers pressing the same slot at once get one booking
(real threads, each with its own connection, on PostgreSQL), and the database itself
refuses an overlapping booking however it is written."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from activity.models import Appointment
from activity.services.appointments import book_appointment
from booking.models import Booking
from booking.services import book_meeting
from core import clock
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory

from .conftest import BERLIN, at

pytestmark = pytest.mark.usefixtures("frozen_time")
SLOT = at(BERLIN, 3, 9, 10)
ATTEMPTS = 50

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_fifty_customers_pressing_one_slot_at_once_get_exactly_one_booking(owner, walkthrough):
    contacts = [ContactFactory(account=AccountFactory(owner=owner)) for _ in range(ATTEMPTS)]
    start = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(contact):
        try:
            start.wait()
            book_meeting(
                contact=contact,
                kind=walkthrough,
                starts_at=SLOT,
                timezone="America/New_York",
                cause=Cause.by_customer("booking page"),
            )
            outcome = "booked"
        except ValidationError as refusal:
            outcome = refusal.messages[0]
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in contacts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcomes.count("booked") == 1
    assert outcomes.count("That time was just taken. Please pick another one.") == ATTEMPTS - 1
    assert Booking.objects.filter(starts_at=SLOT, holds_time=True).count() == 1
    assert Appointment.objects.filter(starts_at=SLOT).count() == 1


@on_postgresql
def test_the_exclusion_constraint_refuses_an_overlap_written_past_the_service(
    customer, walkthrough, owner
):
    booking, _ = book_meeting(
        contact=customer,
        kind=walkthrough,
        starts_at=SLOT,
        timezone="UTC",
        cause=Cause.by_customer("booking page"),
    )
    other = ContactFactory(account=AccountFactory(owner=owner))
    appointment, _ = book_appointment(
        account=other.account,
        kind="walkthrough",
        starts_at=SLOT + timedelta(minutes=35),
        external_id="x",
        cause=Cause.by_api("x"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            appointment=appointment,
            staff=owner,
            contact=other,
            meeting_kind=walkthrough,
            starts_at=SLOT + timedelta(minutes=35),  # inside the first one's buffer
            ends_at=SLOT + timedelta(minutes=65),
            blocked_until=SLOT + timedelta(minutes=75),
            timezone="UTC",
            created_at=clock.now(),
        )
    # A cancelled booking holds no time: the same overlap is then allowed.
    Booking.objects.filter(pk=booking.pk).update(holds_time=False)
    assert Booking.objects.filter(holds_time=True).count() == 0
