"""Free meeting times: a staff member's weekly hours, less days off and busy time.

Pure computation over what `selectors.slot_inputs` reads (a fixed few queries), so the
booking page and the booking service ask the same question the same way. Hours are
wall-clock times in the staff member's timezone, turned into instants day by day: a
DST change moves the UTC times, never the local ones, and a local time that does not
exist that day (the spring-forward gap) offers no slot.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Slots start every half hour (or every `duration` for shorter meetings).
STEP = timedelta(minutes=30)
# The soonest a customer may book: time for the reminders and the CSM to prepare.
MIN_NOTICE = timedelta(hours=1)
BOOKING_DAYS = 21


@dataclass(frozen=True)
class Hours:
    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class SlotInputs:
    """Everything a staff member's free times depend on."""

    timezone: str
    buffer: timedelta
    hours: list[Hours]
    days_off: list[tuple[date, date]]
    # Busy stretches [start, end) in UTC, sorted by start: bookings with their buffer,
    # and appointments reported by the API for this staff member.
    busy: list[tuple[datetime, datetime]]


def _instant(day: date, moment: time, zone: ZoneInfo) -> datetime | None:
    """The instant of a wall-clock time on a day, or None if the clock skips it (DST)."""
    local = datetime.combine(day, moment, tzinfo=zone)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return utc


def _end_instant(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """The instant a stretch of hours ends (a skipped wall-clock end ends at the jump)."""
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def _is_free(start: datetime, end: datetime, busy: list[tuple[datetime, datetime]]) -> bool:
    # Busy stretches are sorted by start; only those starting before `end` can overlap.
    index = bisect.bisect_left(busy, (end,))
    return all(busy_end <= start for _, busy_end in busy[:index])


def _off(day: date, days_off: list[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in days_off)


def free_slots(
    inputs: SlotInputs, *, duration: timedelta, start: datetime, end: datetime
) -> list[datetime]:
    """Every start (UTC, ascending) in [start, end) at which a meeting of `duration` fits.

    A slot fits when the meeting lies inside one stretch of hours and the meeting with
    its buffer after it overlaps nothing busy (the database's rule, booking.constraints).
    """
    zone = ZoneInfo(inputs.timezone)
    step = min(STEP, duration)
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date()
    slots: list[datetime] = []
    by_weekday: dict[int, list[Hours]] = {}
    for hours in inputs.hours:
        by_weekday.setdefault(hours.weekday, []).append(hours)
    day = first_day
    while day <= last_day:
        if not _off(day, inputs.days_off):
            for hours in by_weekday.get(day.weekday(), []):
                slots += _slots_in(day, hours, zone, inputs, duration, step, start, end)
        day += timedelta(days=1)
    return sorted(set(slots))


def _slots_in(day, hours, zone, inputs, duration, step, start, end) -> list[datetime]:
    """The fitting starts within one stretch of one day's hours."""
    found = []
    stretch_end = _end_instant(day, hours.ends, zone)
    wall = datetime.combine(day, hours.starts)
    while wall.time() < hours.ends and wall.date() == day:
        instant = _instant(day, wall.time(), zone)
        wall += step
        if instant is None or not start <= instant < end:
            continue
        if instant + duration > stretch_end:
            break
        if _is_free(instant, instant + duration + inputs.buffer, inputs.busy):
            found.append(instant)
    return found


def window(now: datetime, days: int = BOOKING_DAYS) -> tuple[datetime, datetime]:
    """The stretch customers book in: from the soonest notice to `days` ahead."""
    return now + MIN_NOTICE, now + timedelta(days=days)
