"""My availability: a staff member sets their weekly hours, days off, buffer and meeting
kinds; bad input is refused with nothing saved; the saved hours are what customers book."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import CSM, MANAGER
from booking.links import page_token
from booking.models import Availability, DayOff, MeetingKind, WeeklyHours
from tests.factories import AccountFactory, ContactFactory, UserFactory

from .conftest import BERLIN, NEW_YORK, at, give_hours

pytestmark = pytest.mark.usefixtures("frozen_time")
URL = reverse("booking:availability")


def week(**days):
    """POST data: `monday=[("09:00", "12:00")]` → the page's repeated range fields."""
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    data = {}
    for weekday, name in enumerate(names):
        for starts, ends in days.get(name, []):
            data.setdefault(f"day-{weekday}-starts", []).append(starts)
            data.setdefault(f"day-{weekday}-ends", []).append(ends)
    return data


def form(walkthrough, zone="Europe/Berlin", buffer=10, **extra):
    data = {
        "timezone": zone,
        "buffer_minutes": str(buffer),
        "is_bookable": "on",
        "meeting_kinds": [str(walkthrough.pk)],
    }
    data.update(extra)
    return data


@pytest.fixture
def csm(db):
    return UserFactory(username="dana", first_name="Dana", last_name="Park", roles=[CSM])


def hours_of(user):
    return sorted(
        (h.weekday, h.starts, h.ends) for h in WeeklyHours.objects.filter(availability__user=user)
    )


def test_a_csm_sets_two_ranges_a_day_a_buffer_and_a_meeting_kind(client, csm, walkthrough):
    client.force_login(csm)
    assert "My availability" in client.get(reverse("home")).content.decode()

    data = form(walkthrough, buffer=15, **week(monday=[("13:00", "17:00"), ("09:00", "12:00")]))
    response = client.post(URL, data)

    assert response.status_code == 302
    availability = Availability.objects.get(user=csm)
    assert (availability.timezone, availability.buffer_minutes) == ("Europe/Berlin", 15)
    assert list(availability.meeting_kinds.all()) == [walkthrough]
    assert hours_of(csm) == [(0, time(9), time(12)), (0, time(13), time(17))]
    page = client.get(URL).content.decode()
    assert "Availability saved." in page
    assert 'value="09:00"' in page
    assert 'value="17:00"' in page


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ([("09:00", "12:00"), ("11:30", "14:00")], "09:00–12:00 and 11:30–14:00 overlap"),
        ([("12:00", "09:00")], "09:00 is not after 12:00"),
        ([("10:00", "10:00")], "a range must end after it starts"),
        ([("09:00", "")], "Give each time range a start and an end"),
        ([("9 o'clock", "12:00")], "Give each time range a start and an end"),
    ],
)
def test_bad_hours_are_refused_with_a_message_and_nothing_saved(
    client, owner, walkthrough, ranges, message
):
    client.force_login(owner)
    before = hours_of(owner)

    response = client.post(URL, form(walkthrough, buffer=30, **week(tuesday=ranges)))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert message in html
    assert hours_of(owner) == before
    assert Availability.objects.get(user=owner).buffer_minutes == 10


def test_a_day_off_in_the_past_is_refused_and_one_ahead_is_kept(client, csm, walkthrough):
    client.force_login(csm)

    past = client.post(URL, form(walkthrough, off_first="2027-03-07"))
    assert past.status_code == 400
    assert "A day off must be today or later." in past.content.decode()
    assert not Availability.objects.filter(user=csm).exists()

    backwards = client.post(URL, form(walkthrough, off_first="2027-03-12", off_last="2027-03-10"))
    assert "The last day off cannot come before the first." in backwards.content.decode()

    client.post(URL, form(walkthrough, off_first="2027-03-10", off_last="2027-03-12"))
    client.post(URL, form(walkthrough, off_first="2027-03-15", off_note="Dentist"))
    days_off = DayOff.objects.filter(availability__user=csm).order_by("first_day")
    assert [(str(d.first_day), str(d.last_day), d.note) for d in days_off] == [
        ("2027-03-10", "2027-03-12", ""),
        ("2027-03-15", "2027-03-15", "Dentist"),
    ]

    client.post(URL, form(walkthrough, remove_days_off=[str(days_off[0].pk)]))
    assert DayOff.objects.filter(availability__user=csm).count() == 1


def test_a_bad_timezone_or_buffer_is_refused(client, owner, walkthrough):
    client.force_login(owner)

    assert client.post(URL, form(walkthrough, zone="Mars/Olympus")).status_code == 400
    assert client.post(URL, form(walkthrough, buffer=7)).status_code == 400
    assert Availability.objects.get(user=owner).timezone == "Europe/Berlin"


def slots_shown(client, contact, kind):
    response = client.get(reverse("booking:page", args=[page_token(contact, kind)]), {"tz": "UTC"})
    return response.content.decode()


def test_the_saved_hours_are_the_only_times_customers_can_book(client, csm, walkthrough):
    customer = ContactFactory(
        account=AccountFactory(owner=csm, timezone="UTC"), email="ana@acme.example"
    )
    assert "Booking is not open" in slots_shown(client, customer, walkthrough)
    client.force_login(csm)

    client.post(URL, form(walkthrough, buffer=0, **week(tuesday=[("10:00", "11:00")])))

    html = slots_shown(client, customer, walkthrough)
    # Berlin's 10:00 and 10:30 on Tuesdays are 09:00 and 09:30 UTC (before the DST change).
    assert 'value="2027-03-09T09:00:00Z"' in html
    assert 'value="2027-03-09T09:30:00Z"' in html
    assert 'value="2027-03-09T10:00:00Z"' not in html
    assert 'value="2027-03-08T' not in html
    assert 'value="2027-03-10T' not in html
    assert html.count('data-testid="slot"') == 3 * 2  # three Tuesdays, two times each


def test_a_timezone_change_keeps_the_local_hours_and_moves_the_slots(client, csm, walkthrough):
    customer = ContactFactory(
        account=AccountFactory(owner=csm, timezone="UTC"), email="ana@acme.example"
    )
    client.force_login(csm)
    client.post(URL, form(walkthrough, buffer=0, **week(tuesday=[("10:00", "10:30")])))
    assert f'value="{at(BERLIN, 3, 9, 10):%Y-%m-%dT%H:%M:%SZ}"' in slots_shown(
        client, customer, walkthrough
    )

    client.post(
        URL,
        form(walkthrough, zone="America/New_York", buffer=0, **week(tuesday=[("10:00", "10:30")])),
    )

    assert hours_of(csm) == [(1, time(10), time(10, 30))]
    html = slots_shown(client, customer, walkthrough)
    assert f'value="{at(NEW_YORK, 3, 9, 10):%Y-%m-%dT%H:%M:%SZ}"' in html  # 15:00 UTC
    assert f'value="{at(BERLIN, 3, 9, 10):%Y-%m-%dT%H:%M:%SZ}"' not in html


def test_unticking_a_kind_or_bookable_closes_booking(client, owner, customer, walkthrough):
    client.force_login(owner)
    data = form(walkthrough, **week(monday=[("09:00", "17:00")]))
    data.pop("is_bookable")

    client.post(URL, data)

    assert "Booking is not open" in slots_shown(client, customer, walkthrough)


def test_a_csm_cannot_open_or_change_another_members_hours(client, owner, csm, walkthrough):
    client.force_login(csm)
    other = reverse("booking:member-availability", args=[owner.pk])

    assert client.get(other).status_code == 403
    assert (
        client.post(other, form(walkthrough, **week(sunday=[("01:00", "02:00")]))).status_code
        == 403
    )
    assert (6, time(1), time(2)) not in hours_of(owner)
    # Their own page through the same address is fine.
    assert client.get(reverse("booking:member-availability", args=[csm.pk])).status_code == 200
    assert client.get(reverse("booking:kinds")).status_code == 403


def test_a_manager_changes_a_team_members_hours(client, owner, walkthrough):
    manager = UserFactory(username="maria", roles=[MANAGER])
    client.force_login(manager)
    other = reverse("booking:member-availability", args=[owner.pk])

    page = client.get(other).content.decode()
    assert "Availability of Carl Berg" in page
    response = client.post(other, form(walkthrough, **week(saturday=[("10:00", "12:00")])))

    assert response.status_code == 302
    assert hours_of(owner) == [(5, time(10), time(12))]
    assert not Availability.objects.filter(user=manager).exists()


def test_the_add_range_fragment_is_one_empty_pair(client, csm):
    client.force_login(csm)
    fragment = client.get(reverse("booking:hours-range"), {"weekday": "2"}).content.decode()
    assert 'name="day-2-starts"' in fragment
    assert 'name="day-2-ends"' in fragment
    assert client.get(reverse("booking:hours-range"), {"weekday": "9"}).status_code == 400


def test_a_manager_edits_a_meeting_kind_and_bad_input_changes_nothing(client, walkthrough):
    client.force_login(UserFactory(username="maria", roles=[MANAGER]))
    url = reverse("booking:kinds")
    prefix = f"k{walkthrough.pk}"
    data = {
        "kind": walkthrough.pk,
        f"{prefix}-name": "Product tour",
        f"{prefix}-duration_minutes": "600",
        f"{prefix}-description": "A tour.",
    }

    page = client.get(url).content.decode()
    assert "Save Feature walkthrough" in page
    assert "Save Success session" in page
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Nothing was saved" in refused.content.decode()
    assert MeetingKind.objects.get(pk=walkthrough.pk).name == "Feature walkthrough"

    data[f"{prefix}-duration_minutes"] = "20"
    assert client.post(url, data).status_code == 302
    kind = MeetingKind.objects.get(pk=walkthrough.pk)
    assert (kind.name, kind.duration_minutes, kind.is_active) == ("Product tour", 20, False)
    assert client.post(url, {"kind": "999999"}).status_code == 400


def _queries_for_page(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [1, 6])
def test_the_page_takes_the_same_queries_at_any_size(client, walkthrough, size):
    user = UserFactory(username=f"csm{size}", roles=[CSM])
    availability = give_hours(user, kinds=[walkthrough], hours=[(h, h + 1) for h in range(size)])
    DayOff.objects.bulk_create(
        DayOff(availability=availability, first_day=f"2027-04-{day:02d}", last_day="2027-04-28")
        for day in range(1, size + 1)
    )
    for index in range(size):
        MeetingKind.objects.create(name=f"Kind {index}", slug=f"kind-{size}-{index}")
    client.force_login(user)
    # Session, user; availability, its hours, days off, kinds (with `taken`); the
    # navbar's permissions (two) and unread count.
    assert _queries_for_page(client, user) == 9


def test_a_paused_kind_stays_taken_when_the_page_is_saved(client, owner, walkthrough):
    session = MeetingKind.objects.get(slug="success-session")
    Availability.objects.get(user=owner).meeting_kinds.add(session)
    session.is_active = False
    session.save()
    client.force_login(owner)

    client.post(URL, form(walkthrough, **week(monday=[("09:00", "17:00")])))

    taken = Availability.objects.get(user=owner).meeting_kinds.all()
    assert set(taken) == {walkthrough, session}
