"""Business hours: when the first-response clock runs.

The team's working day (CHAT_BUSINESS_HOURS, e.g. "09:00-17:00", on
CHAT_BUSINESS_DAYS, ISO weekdays "1-5") in its timezone (TIME_ZONE). A customer
who writes on Friday evening is not "waiting" over the weekend.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def _window() -> tuple[time, time]:
    start, end = settings.CHAT_BUSINESS_HOURS.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def _days() -> set[int]:
    first, _, last = settings.CHAT_BUSINESS_DAYS.partition("-")
    return set(range(int(first), int(last or first) + 1))


def add_business_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of business time after `start` (an aware datetime)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    opens, closes = _window()
    days = _days()
    left = timedelta(hours=hours)
    moment = start.astimezone(zone)
    for _ in range(400):  # a year of days at most: a misconfigured week cannot loop for ever
        day_open = datetime.combine(moment.date(), opens, zone)
        day_close = datetime.combine(moment.date(), closes, zone)
        if moment.isoweekday() in days and moment < day_close:
            moment = max(moment, day_open)
            if moment + left <= day_close:
                return moment + left
            left -= day_close - moment
        moment = datetime.combine(moment.date() + timedelta(days=1), time(0), zone)
    return start + timedelta(hours=hours)
