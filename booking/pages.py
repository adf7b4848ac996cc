"""What the booking pages show: free slots as days of times in the viewer's timezone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from core import clock

from .models import Availability, MeetingKind
from .selectors import slot_inputs
from .slots import free_slots, window


@dataclass
class Day:
    day: date
    slots: list[dict[str, str]] = field(default_factory=list)


def days_of_slots(
    availability: Availability,
    kind: MeetingKind,
    zone: str,
    *,
    ignore_booking_id: int | None = None,
) -> list[Day]:
    """The free starts of the next three weeks, grouped by day in `zone`."""
    start, end = window(clock.now())
    inputs = slot_inputs(availability, start=start, end=end, ignore_booking_id=ignore_booking_id)
    slots = free_slots(
        inputs, duration=timedelta(minutes=kind.duration_minutes), start=start, end=end
    )
    tz = ZoneInfo(zone)
    days: list[Day] = []
    for slot in slots:
        local = slot.astimezone(tz)
        if not days or days[-1].day != local.date():
            days.append(Day(local.date()))
        days[-1].slots.append(
            {
                "value": slot.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "label": f"{local:%H:%M}",
            }
        )
    return days


def parse_start(value: object) -> datetime:
    """A slot's start as a page sends it (ISO 8601 with its offset), or a clear refusal."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationError("Please pick a time from the list.", code="bad_start")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("Please pick a time from the list.", code="bad_start") from None
    if moment.tzinfo is None:
        raise ValidationError("Please pick a time from the list.", code="bad_start")
    return moment.astimezone(UTC)
