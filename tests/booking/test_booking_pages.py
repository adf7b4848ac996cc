"""The customer's pages: the booking page from its signed link, and a booking's own page
to move or cancel it. Bad input is refused clearly and books nothing."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from activity.models import Appointment
from booking.links import manage_token, page_token
from booking.models import Booking
from booking.services import book_meeting
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory

from .conftest import BERLIN, NOW, at

pytestmark = pytest.mark.usefixtures("frozen_time")
SLOT = at(BERLIN, 3, 9, 10)  # 04:00 in New York (EST)
ISO = "2027-03-09T09:00:00Z"


def page(contact, kind=None):
    return reverse("booking:page", args=[page_token(contact, kind)])


def test_the_page_shows_the_owners_free_times_in_the_customers_timezone(client, customer):
    response = client.get(page(customer), {"tz": "America/New_York"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Times shown in" in html
    assert "Tuesday 9 March" in html
    # Berlin's 10:00 seen from New York.
    button = (
        f'value="{ISO}" class="btn btn-outline-primary btn-sm" '
        'style="min-width: 4.5rem" data-testid="slot">04:00<'
    )
    assert button in html
    # Without the browser's word, the account's timezone.
    assert button in client.get(page(customer)).content.decode()
    assert (
        button.replace("04:00", "10:00")
        in client.get(page(customer), {"tz": "Europe/Berlin"}).content.decode()
    )


def test_pressing_a_time_books_it_and_opens_the_booking_page(client, customer):
    response = client.post(page(customer), {"start": ISO, "tz": "America/New_York"})

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:meeting", args=[manage_token(booking)])
    assert booking.starts_at == SLOT
    assert booking.timezone == "America/New_York"
    shown = client.get(response["Location"]).content.decode()
    assert "You're booked" in shown
    assert "Tue 09 Mar, 04:00 EST" in shown


def test_a_time_just_taken_says_so_and_shows_the_times_still_free(client, customer, owner):
    other = ContactFactory(account=AccountFactory(owner=owner))
    book_meeting(
        contact=other,
        kind=customer.account.owner.availability.meeting_kinds.get(),
        starts_at=SLOT,
        timezone="UTC",
        cause=Cause.by_customer("x"),
    )
    response = client.post(page(customer), {"start": ISO, "tz": "America/New_York"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "That time was just taken" in html
    assert f'value="{ISO}"' not in html
    assert 'data-testid="slot"' in html
    assert not Booking.objects.filter(contact=customer).exists()


@pytest.mark.parametrize(
    "start",
    ["2027-03-09T11:00:00Z", "2027-03-01T09:00:00Z", "yesterday", "2027-03-09T09:00:00", ""],
)
def test_a_time_not_on_offer_or_garbled_is_refused_and_nothing_is_booked(client, customer, start):
    response = client.post(page(customer), {"start": start, "tz": "America/New_York"})

    assert response.status_code == 400
    assert 'data-testid="booking-error"' in response.content.decode()
    assert not Appointment.objects.exists()


def test_an_unknown_timezone_is_refused_on_the_page_and_books_nothing(client, customer):
    shown = client.get(page(customer), {"tz": "Mars/Olympus"})
    assert shown.status_code == 400
    assert "We do not know the timezone" in shown.content.decode()

    posted = client.post(page(customer), {"start": ISO, "tz": "Mars/Olympus"})
    assert posted.status_code == 400
    assert not Booking.objects.exists()


def test_a_forged_or_expired_link_is_refused(client, customer, frozen_time, settings):
    token = page_token(customer)
    forged = reverse("booking:page", args=[token[:-3] + "abc"])
    assert client.get(forged).status_code == 400
    assert client.post(forged, {"start": ISO, "tz": "UTC"}).status_code == 400
    wrong_salt = signing.dumps({"c": customer.pk, "k": ""}, salt="portal.feedback")
    assert client.get(reverse("booking:page", args=[wrong_salt])).status_code == 400

    frozen_time.move_to(NOW + timedelta(days=settings.PORTAL_LINK_DAYS + 1))
    response = client.get(reverse("booking:page", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.fixture
def booking(customer, walkthrough):
    booked, _ = book_meeting(
        contact=customer,
        kind=walkthrough,
        starts_at=SLOT,
        timezone="America/New_York",
        cause=Cause.by_customer("x"),
    )
    return booked


def test_the_reschedule_link_moves_the_booking(client, booking):
    url = reverse("booking:reschedule", args=[manage_token(booking)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"start": "2027-03-10T13:00:00Z"})

    booking.refresh_from_db()
    assert response.status_code == 302
    assert booking.starts_at == at(BERLIN, 3, 10, 14)
    assert booking.sequence == 1


def test_the_cancel_link_asks_first_then_cancels(client, booking):
    url = reverse("booking:cancel", args=[manage_token(booking)])
    asked = client.get(url)
    assert "Yes, cancel it" in asked.content.decode()
    booking.refresh_from_db()
    assert booking.holds_time  # opening the link (a mail scanner) cancels nothing

    done = client.post(url)
    booking.refresh_from_db()
    assert "is cancelled" in done.content.decode()
    assert not booking.holds_time
    # The link now shows the cancellation and moves nothing.
    reschedule = reverse("booking:reschedule", args=[manage_token(booking)])
    client.post(reschedule, {"start": "2027-03-10T13:00:00Z"})
    booking.refresh_from_db()
    assert booking.starts_at == SLOT


def test_the_booking_links_expire_when_the_meeting_starts_and_refuse_forgeries(
    client, booking, frozen_time
):
    token = manage_token(booking)
    forged = signing.dumps({"b": booking.pk, "e": 9999999999}, salt="wrong")
    assert client.get(reverse("booking:meeting", args=[forged])).status_code == 400
    frozen_time.move_to(SLOT)
    for name in ("meeting", "reschedule", "cancel"):
        response = client.get(reverse(f"booking:{name}", args=[token]))
        assert response.status_code == 400
        assert "expired" in response.content.decode()
    assert client.post(reverse("booking:cancel", args=[token])).status_code == 400
    booking.refresh_from_db()
    assert booking.holds_time
