"""`seed_demo` opens booking: every demo owner has weekday hours in their own timezone, a
buffer and both meeting kinds, so a demo contact's booking link shows free times."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from booking.links import page_token
from booking.models import Availability, MeetingKind, WeeklyHours
from demo.availability import ensure_demo_availability
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def seed(*extra: str) -> None:
    call_command("seed_demo", "--accounts", "5", *extra, stdout=StringIO())


def test_every_demo_owner_takes_both_meeting_kinds_on_weekdays():
    seed()

    owners = set(Account.objects.values_list("owner__username", flat=True))
    availability = {a.user.username: a for a in Availability.objects.select_related("user")}
    assert owners <= set(availability)
    assert availability["csm"].timezone == "Europe/Berlin"
    assert availability["csm2"].timezone == "America/New_York"
    kinds = set(MeetingKind.objects.values_list("slug", flat=True))
    for item in availability.values():
        assert item.buffer_minutes == 10
        assert set(item.meeting_kinds.values_list("slug", flat=True)) == kinds
        assert sorted({h.weekday for h in item.hours.all()}) == [0, 1, 2, 3, 4]


def test_a_demo_contacts_booking_link_shows_free_times(client):
    seed()
    contact = Account.objects.filter(contacts__email__gt="").first().contacts.first()

    for kind in MeetingKind.objects.all():
        page = client.get(reverse("booking:page", args=[page_token(contact, kind)]))
        html = page.content.decode()
        assert page.status_code == 200
        assert "Booking is not open" not in html
        assert html.count('data-testid="slot"') > 50


def test_seeding_again_keeps_the_hours_and_if_empty_still_adds_them():
    seed()
    hours = WeeklyHours.objects.count()
    seed("--if-empty")
    assert WeeklyHours.objects.count() == hours

    Availability.objects.all().delete()
    seed("--if-empty")
    assert WeeklyHours.objects.count() == hours


@pytest.mark.parametrize("size", [2, 6])
def test_the_demo_hours_take_the_same_few_queries_for_any_team(size):
    staff = [UserFactory(username=f"demo-owner-{n}") for n in range(size)]
    with CaptureQueriesContext(connection) as queries:
        assert ensure_demo_availability(staff) == size
    # Who has hours, the insert, the new rows' ids, the hours, the kinds, the kind links
    # (and the savepoint around them).
    assert len(queries) == 8
    assert WeeklyHours.objects.count() == size * 10
