"""A CSM who takes bookings (Berlin hours), a customer in New York, and a frozen clock."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import CSM
from booking.models import Availability, MeetingKind, WeeklyHours
from tests.factories import AccountFactory, ContactFactory, UserFactory

# Monday 8 March 2027, 08:00 UTC: the three weeks ahead cross New York's DST change
# (Sunday 14 March) and Berlin's (Sunday 28 March).
NOW = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def at(zone: ZoneInfo, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in 2027 in `zone`, as an aware datetime in UTC."""
    return datetime(2027, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def walkthrough(db) -> MeetingKind:
    return MeetingKind.objects.get(slug="feature-walkthrough")


def give_hours(user, zone="Europe/Berlin", kinds=(), buffer=10, hours=((9, 12), (13, 17))):
    """Weekday hours (Monday to Friday) for `user` in `zone`."""
    availability = Availability.objects.create(user=user, timezone=zone, buffer_minutes=buffer)
    availability.meeting_kinds.set(kinds)
    WeeklyHours.objects.bulk_create(
        WeeklyHours(availability=availability, weekday=day, starts=time(a), ends=time(b))
        for day in range(5)
        for a, b in hours
    )
    return availability


@pytest.fixture
def owner(db, walkthrough):
    user = UserFactory(username="carl", first_name="Carl", last_name="Berg", roles=[CSM])
    give_hours(user, kinds=[walkthrough])
    return user


@pytest.fixture
def customer(db, owner):
    account = AccountFactory(owner=owner, name="Acme", timezone="America/New_York")
    return ContactFactory(account=account, name="Ana Lima", email="ana@acme.example")
