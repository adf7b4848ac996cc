"""Saving a staff member's availability and the meeting kinds (the staff pages' one door).

The weekly hours are replaced as a whole (the page always sends the full week); days off
are added and removed one by one, so a past day off set in the admin is kept as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from .models import Availability, DayOff, MeetingKind, WeeklyHours
from .slots import Hours


@dataclass(frozen=True)
class NewDayOff:
    first_day: date
    last_day: date
    note: str = ""


@transaction.atomic
def save_availability(
    *,
    user,
    timezone: str,
    buffer_minutes: int,
    is_bookable: bool,
    kinds: list[MeetingKind],
    hours: list[Hours],
    add_day_off: NewDayOff | None = None,
    remove_day_off_ids: list[int] = (),
) -> Availability:
    """Store what the availability page sends; creates the availability on first save.

    The hours are wall-clock times in `timezone`: changing the timezone keeps the local
    hours and moves the instants customers see.
    """
    availability, _ = Availability.objects.select_for_update().get_or_create(user=user)
    availability.timezone = timezone
    availability.buffer_minutes = buffer_minutes
    availability.is_bookable = is_bookable
    availability.full_clean(exclude=["user"])
    availability.save(update_fields=["timezone", "buffer_minutes", "is_bookable"])
    # The page offers the active kinds only: a paused kind stays taken for when it returns.
    paused = list(availability.meeting_kinds.filter(is_active=False))
    availability.meeting_kinds.set([*kinds, *paused])
    availability.hours.all().delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(availability=availability, weekday=h.weekday, starts=h.starts, ends=h.ends)
        for h in hours
    )
    if remove_day_off_ids:
        availability.days_off.filter(pk__in=remove_day_off_ids).delete()
    if add_day_off is not None:
        DayOff.objects.create(
            availability=availability,
            first_day=add_day_off.first_day,
            last_day=add_day_off.last_day,
            note=add_day_off.note,
        )
    return availability


@transaction.atomic
def update_meeting_kind(
    *, kind: MeetingKind, name: str, duration_minutes: int, description: str, is_active: bool
) -> bool:
    """Change a meeting kind; existing bookings keep their times. Returns whether it changed."""
    values = {
        "name": name,
        "duration_minutes": duration_minutes,
        "description": description,
        "is_active": is_active,
    }
    if all(getattr(kind, field) == value for field, value in values.items()):
        return False
    for field, value in values.items():
        setattr(kind, field, value)
    kind.full_clean()
    kind.save(update_fields=list(values))
    return True
