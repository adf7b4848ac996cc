"""The demo staff's availability, so a demo contact's booking link shows free times.

Each demo owner works weekdays 09:00–12:00 and 13:00–17:00 in their own timezone, keeps
ten minutes after each meeting and takes every active meeting kind. Set-based (three bulk
inserts whatever the team's size); a staff member who has availability keeps theirs.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import transaction

from booking.models import Availability, MeetingKind, WeeklyHours

# The demo CSMs sit in different timezones, so the booking pages show the conversion.
TIMEZONES = {"csm": "Europe/Berlin", "csm2": "America/New_York", "csm3": "Europe/London"}
HOURS = [(time(9), time(12)), (time(13), time(17))]
BUFFER_MINUTES = 10


@transaction.atomic
def ensure_demo_availability(staff: list) -> int:
    """Give every demo owner without availability the demo's hours; returns how many."""
    having = set(Availability.objects.filter(user__in=staff).values_list("user_id", flat=True))
    missing = [user for user in staff if user.pk not in having]
    if not missing:
        return 0
    Availability.objects.bulk_create(
        Availability(
            user=user,
            timezone=TIMEZONES.get(user.username, settings.TIME_ZONE),
            buffer_minutes=BUFFER_MINUTES,
        )
        for user in missing
    )
    created = list(Availability.objects.filter(user__in=missing).values_list("pk", flat=True))
    WeeklyHours.objects.bulk_create(
        WeeklyHours(availability_id=pk, weekday=weekday, starts=starts, ends=ends)
        for pk in created
        for weekday in range(5)
        for starts, ends in HOURS
    )
    kinds = list(MeetingKind.objects.filter(is_active=True).values_list("pk", flat=True))
    through = Availability.meeting_kinds.through
    through.objects.bulk_create(
        through(availability_id=pk, meetingkind_id=kind) for pk in created for kind in kinds
    )
    return len(created)
