"""The booking page's three weeks of free times: a fixed number of queries (at most 10)
whatever the staff member's calendar holds, and under 100 ms."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.services.appointments import book_appointment
from booking.links import page_token
from booking.pages import days_of_slots
from booking.services import book_meeting
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory

from .conftest import BERLIN, at

pytestmark = pytest.mark.usefixtures("frozen_time")


def fill(owner, walkthrough, bookings):
    """`bookings` meetings booked here, and as many reported by the API, over three weeks."""
    starts = [
        at(BERLIN, 3, day, hour)
        for day in (9, 10, 11, 12, 15, 16, 17, 18, 19, 22, 23, 24, 25, 26)
        for hour in (9, 10, 11, 13, 14, 15, 16)
    ]
    for index, start in enumerate(starts[: bookings * 2]):
        contact = ContactFactory(account=AccountFactory(owner=owner))
        if index % 2:
            book_appointment(
                account=contact.account,
                kind="walkthrough",
                starts_at=start,
                assignee=owner,
                external_id=f"cal_{index}",
                cause=Cause.by_api("calendar"),
            )
        else:
            book_meeting(
                contact=contact,
                kind=walkthrough,
                starts_at=start,
                timezone="UTC",
                cause=Cause.by_customer("x"),
            )


def page_queries(client, customer):
    url = reverse("booking:page", args=[page_token(customer)])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"tz": "America/New_York"})
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("bookings", [1, 40])
def test_the_booking_page_reads_a_fixed_few_queries_however_full_the_calendar(
    client, customer, owner, walkthrough, bookings
):
    fill(owner, walkthrough, bookings)
    count, response = page_queries(client, customer)
    assert count <= 10
    assert count == 6  # contact, availability, kinds, booked appointments, hours, days off
    assert response.content.decode().count('data-testid="slot"') >= 50


def test_three_weeks_of_free_times_take_under_100_ms(customer, owner, walkthrough):
    fill(owner, walkthrough, 40)
    availability = owner.availability
    days_of_slots(availability, walkthrough, "America/New_York")  # warm up
    timings = []
    for _ in range(10):
        began = time.perf_counter()
        days = days_of_slots(availability, walkthrough, "America/New_York")
        timings.append(time.perf_counter() - began)
    assert sum(len(day.slots) for day in days) >= 50
    assert min(timings) < 0.100, f"{min(timings) * 1000:.1f} ms"
    print(f"free slots for 3 weeks: {min(timings) * 1000:.1f} ms (best of 10)")
    assert timedelta(seconds=min(timings)) < timedelta(milliseconds=100)
