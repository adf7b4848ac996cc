"""The staff side: meetings on My day and the account page, attended / no-show (f1's
attendance points), booking on a customer's behalf, and the managers' team week."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import MANAGER
from activity.models import AppointmentStatus
from booking.models import Booking
from booking.services import book_meeting
from core.causes import Cause
from notifications.models import Message
from scoring.models import ScoreEntry
from tests.factories import AccountFactory, ContactFactory, UserFactory

from .conftest import BERLIN, at

pytestmark = pytest.mark.usefixtures("frozen_time")
SLOT = at(BERLIN, 3, 9, 10)


def booked(contact, kind, starts_at=SLOT):
    booking, _ = book_meeting(
        contact=contact,
        kind=kind,
        starts_at=starts_at,
        timezone="UTC",
        cause=Cause.by_customer("x"),
    )
    return booking


def test_my_day_and_the_account_page_show_the_upcoming_meeting(
    client, owner, customer, walkthrough
):
    booked(customer, walkthrough)
    client.force_login(owner)

    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-meetings"' in home
    assert "Feature walkthrough" in home
    assert "Acme" in home
    page = client.get(reverse("accounts:detail", args=[customer.account_id])).content.decode()
    assert 'data-testid="upcoming-meeting"' in page
    assert "Book a meeting" in page


@pytest.mark.parametrize("meetings", [1, 12])
def test_my_meetings_cost_one_query_however_many(client, owner, walkthrough, meetings):
    starts = [SLOT + timedelta(days=d, hours=h) for d in (0, 1, 2, 3, 6, 7) for h in (0, 4)]
    for start in starts[:meetings]:
        booked(ContactFactory(account=AccountFactory(owner=owner)), walkthrough, start)
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = owner
    owner.has_perm("activity.change_appointment")  # permissions are the page's, read once
    with CaptureQueriesContext(connection) as queries:
        html = Template('{% include "booking/_my_day.html" %}').render(
            Context({"request": request})
        )
    assert html.count('data-testid="upcoming-meeting"') == meetings
    assert len(queries) == 1


def test_marking_attended_awards_the_attendance_points_once(
    client, owner, customer, walkthrough, frozen_time, deliver
):
    booking = booked(customer, walkthrough)
    client.force_login(owner)
    url = reverse("booking:outcome", args=[booking.appointment_id])

    early = client.post(url, {"outcome": "attended"}, follow=True)
    assert "once it has started" in early.content.decode()

    frozen_time.move_to(SLOT + timedelta(minutes=5))
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="meeting-to-mark"' in home
    deliver(lambda: client.post(url, {"outcome": "attended", "next": reverse("home")}))
    deliver(lambda: client.post(url, {"outcome": "attended"}))

    booking.appointment.refresh_from_db()
    assert booking.appointment.status == AppointmentStatus.ATTENDED
    assert list(
        ScoreEntry.objects.filter(account=customer.account).values_list("points", flat=True)
    ) == [75]


def test_marking_a_no_show_records_it_and_a_bad_outcome_changes_nothing(
    client, owner, customer, walkthrough, frozen_time
):
    booking = booked(customer, walkthrough)
    frozen_time.move_to(SLOT + timedelta(minutes=15))
    client.force_login(owner)
    url = reverse("booking:outcome", args=[booking.appointment_id])
    client.post(url, {"outcome": "maybe"})
    booking.appointment.refresh_from_db()
    assert booking.appointment.status == AppointmentStatus.BOOKED
    client.post(url, {"outcome": "no_show"})
    booking.appointment.refresh_from_db()
    assert booking.appointment.status == AppointmentStatus.NO_SHOW


def test_staff_book_on_the_customers_behalf_with_the_same_invitation(client, owner, customer):
    client.force_login(owner)
    url = reverse("booking:book-for", args=[customer.account_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="2027-03-09T09:00:00Z"' in page.content.decode()

    response = client.post(
        url,
        {"start": "2027-03-09T09:00:00Z", "kind": "feature-walkthrough", "contact": customer.pk},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.contact == customer
    assert booking.appointment.cause_user == owner
    assert Message.objects.get().template.key == "booking-confirmed"

    again = client.post(url, {"start": "2027-03-09T09:00:00Z", "contact": customer.pk})
    assert again.status_code == 302  # the same booking, not a second


def test_the_team_week_shows_every_staff_members_meetings_to_managers_only(
    client, owner, customer, walkthrough
):
    booked(customer, walkthrough)
    client.force_login(owner)
    assert client.get(reverse("booking:team-week")).status_code == 403

    client.force_login(UserFactory(username="maria", roles=[MANAGER]))
    week = client.get(reverse("booking:team-week"), {"week": "2027-03-10"})
    html = week.content.decode()
    assert week.status_code == 200
    assert "Carl Berg" in html
    assert html.count('data-testid="week-meeting"') == 1
    assert "Tue 9 Mar" in html
    assert client.get(reverse("booking:team-week"), {"week": "garbage"}).status_code == 200
    later = client.get(reverse("booking:team-week"), {"week": "2027-03-17"}).content.decode()
    assert 'data-testid="week-meeting"' not in later


def test_managers_reach_the_team_week_from_my_day(client, db):
    client.force_login(UserFactory(username="maria", roles=[MANAGER]))
    home = client.get(reverse("home")).content.decode()
    assert reverse("booking:team-week") in home
