"""booking.slots: free times from weekly hours, days off, the buffer and busy time,
across DST changes in two timezones."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking.models import DayOff
from booking.selectors import slot_inputs
from booking.slots import Hours, SlotInputs, free_slots, window

from .conftest import BERLIN, NEW_YORK, NOW, at, give_hours

pytestmark = pytest.mark.usefixtures("frozen_time")
HALF_HOUR = timedelta(minutes=30)


def inputs(zone, hours=((9, 12),), busy=(), days_off=(), buffer=timedelta(minutes=10)):
    return SlotInputs(
        timezone=zone,
        buffer=buffer,
        hours=[Hours(day, time(a), time(b)) for day in range(7) for a, b in hours],
        days_off=list(days_off),
        busy=sorted(busy),
    )


def on(slots, zone, month, day):
    """The local "HH:MM" of the slots on one local day."""
    return [
        f"{s.astimezone(zone):%H:%M}"
        for s in slots
        if s.astimezone(zone).date() == date(2027, month, day)
    ]


def test_berlin_hours_stay_at_nine_local_across_its_dst_change_while_utc_moves():
    start, end = datetime(2027, 3, 26, tzinfo=UTC), datetime(2027, 3, 31, tzinfo=UTC)
    slots = free_slots(inputs("Europe/Berlin"), duration=HALF_HOUR, start=start, end=end)

    assert on(slots, BERLIN, 3, 26)[0] == "09:00"
    assert on(slots, BERLIN, 3, 29)[0] == "09:00"
    assert at(BERLIN, 3, 26, 9) == datetime(2027, 3, 26, 8, 0, tzinfo=UTC)  # CET, UTC+1
    assert at(BERLIN, 3, 29, 9) == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # CEST, UTC+2
    assert at(BERLIN, 3, 26, 9) in slots
    assert at(BERLIN, 3, 29, 9) in slots
    # Six half hours between 9 and 12 on every day, the change day included.
    assert all(len(on(slots, BERLIN, 3, day)) == 6 for day in range(26, 31))


def test_new_york_hours_follow_its_own_dst_change_two_weeks_earlier():
    start, end = datetime(2027, 3, 12, tzinfo=UTC), datetime(2027, 3, 17, tzinfo=UTC)
    slots = free_slots(inputs("America/New_York"), duration=HALF_HOUR, start=start, end=end)

    assert at(NEW_YORK, 3, 12, 9) == datetime(2027, 3, 12, 14, 0, tzinfo=UTC)  # EST
    assert at(NEW_YORK, 3, 15, 9) == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)  # EDT
    assert at(NEW_YORK, 3, 12, 9) in slots
    assert at(NEW_YORK, 3, 15, 9) in slots
    assert on(slots, NEW_YORK, 3, 14) == on(slots, NEW_YORK, 3, 15)


def test_a_berlin_staff_member_seen_from_new_york_shifts_by_the_weeks_between_the_changes():
    """Between 14 and 28 March the two cities are 5 hours apart, otherwise 6."""
    start, end = datetime(2027, 3, 8, tzinfo=UTC), datetime(2027, 4, 2, tzinfo=UTC)
    slots = free_slots(inputs("Europe/Berlin"), duration=HALF_HOUR, start=start, end=end)

    assert on(slots, NEW_YORK, 3, 12)[0] == "03:00"
    assert on(slots, NEW_YORK, 3, 19)[0] == "04:00"
    assert on(slots, NEW_YORK, 3, 29)[0] == "03:00"


def test_hours_in_the_skipped_hour_offer_no_slot_and_the_repeated_hour_offers_one():
    night = inputs("Europe/Berlin", hours=((1, 4),))
    spring = free_slots(
        night,
        duration=HALF_HOUR,
        start=datetime(2027, 3, 27, 20, tzinfo=UTC),
        end=datetime(2027, 3, 28, 6, tzinfo=UTC),
    )
    assert on(spring, BERLIN, 3, 28) == ["01:00", "01:30", "03:00", "03:30"]
    autumn = free_slots(
        night,
        duration=HALF_HOUR,
        start=datetime(2027, 10, 30, 20, tzinfo=UTC),
        end=datetime(2027, 10, 31, 6, tzinfo=UTC),
    )
    assert len(set(autumn)) == len(autumn)
    assert "02:30" in on(autumn, BERLIN, 10, 31)


def test_a_meeting_with_its_buffer_never_overlaps_busy_time_and_fits_inside_the_hours():
    busy_from = at(BERLIN, 3, 10, 10)
    busy = [(busy_from, busy_from + timedelta(minutes=40))]  # 10:00–10:30 + 10 min buffer
    slots = free_slots(
        inputs("Europe/Berlin", busy=busy),
        duration=timedelta(minutes=45),
        start=datetime(2027, 3, 10, tzinfo=UTC),
        end=datetime(2027, 3, 11, tzinfo=UTC),
    )
    # 09:00 ends 09:45 + 10 min buffer = 09:55: free; 09:30 would run into 10:00.
    assert on(slots, BERLIN, 3, 10) == ["09:00", "11:00"]


def test_days_off_and_the_window_leave_their_days_out(owner):
    availability = owner.availability
    DayOff.objects.create(
        availability=availability, first_day=date(2027, 3, 10), last_day=date(2027, 3, 11)
    )
    start, end = window(NOW)
    slots = free_slots(
        slot_inputs(availability, start=start, end=end),
        duration=HALF_HOUR,
        start=start,
        end=end,
    )
    assert on(slots, BERLIN, 3, 10) == on(slots, BERLIN, 3, 11) == []
    assert on(slots, BERLIN, 3, 13) == []  # a Saturday
    assert len(on(slots, BERLIN, 3, 9)) == 14  # 09:00–11:30 and 13:00–16:30
    # Today: from an hour from now (08:00 UTC = 09:00 Berlin, so 10:00 on).
    assert on(slots, BERLIN, 3, 8)[0] == "10:00"
    assert max(slots) < NOW + timedelta(days=21)


def test_a_second_staff_member_in_another_timezone_has_their_own_hours(walkthrough):
    from tests.factories import UserFactory

    other = give_hours(UserFactory(username="nia"), zone="America/New_York", kinds=[walkthrough])
    start, end = window(NOW)
    slots = free_slots(
        slot_inputs(other, start=start, end=end), duration=HALF_HOUR, start=start, end=end
    )
    assert on(slots, NEW_YORK, 3, 12)[0] == on(slots, NEW_YORK, 3, 15)[0] == "09:00"
