"""The first-response clock runs in business hours only."""

from datetime import UTC, datetime

import pytest

from conversations.business_hours import add_business_hours


@pytest.fixture(autouse=True)
def hours(settings):
    settings.TIME_ZONE = "UTC"
    settings.CHAT_BUSINESS_HOURS = "09:00-17:00"
    settings.CHAT_BUSINESS_DAYS = "1-5"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=UTC)  # 1 September 2025 is a Monday


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(1, 10), 4, at(1, 14)),  # inside one day
        (at(1, 15), 4, at(2, 11)),  # two today, two tomorrow
        (at(1, 7), 4, at(1, 13)),  # before opening: the clock starts at 09:00
        (at(1, 20), 1, at(2, 10)),  # after closing: tomorrow
        (at(5, 16), 4, at(8, 12)),  # Friday afternoon: Monday
        (at(6, 12), 2, at(8, 11)),  # Saturday: Monday
        (at(1, 9), 8, at(1, 17)),  # exactly one working day
        (at(1, 10, 30), 0.5, at(1, 11)),
    ],
)
def test_business_hours_skip_nights_and_weekends(start, hours, due):
    assert add_business_hours(start, hours) == due


def test_the_teams_timezone_decides_the_working_day(settings):
    settings.TIME_ZONE = "America/New_York"  # 09:00 there is 13:00 UTC in September
    assert add_business_hours(at(1, 12), 1) == at(1, 14)
