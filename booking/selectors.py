"""Reads the booking pages share: a staff member's slot inputs, upcoming meetings."""

from __future__ import annotations

from datetime import datetime, timedelta

from activity.models import Appointment, AppointmentStatus

from .models import Availability, MeetingKind
from .slots import Hours, SlotInputs

# The longest meeting (MeetingKind's limit): an appointment starting this long before a
# window can still reach into it.
LONGEST = timedelta(minutes=480)


def availability_of(staff_id: int | None) -> Availability | None:
    """The staff member's availability, or None if they take no bookings."""
    if staff_id is None:
        return None
    return Availability.objects.filter(user_id=staff_id, is_bookable=True).first()


def kinds_taken(availability: Availability | None) -> list[MeetingKind]:
    """The active meeting kinds this staff member takes."""
    if availability is None:
        return []
    return list(availability.meeting_kinds.filter(is_active=True))


def slot_inputs(
    availability: Availability,
    *,
    start: datetime,
    end: datetime,
    ignore_booking_id: int | None = None,
) -> SlotInputs:
    """Everything `slots.free_slots` needs for [start, end), in three queries.

    Busy time is every appointment still booked with this staff member: a booking made
    here holds its meeting and buffer (what the database's constraint guards), one the
    events API reported holds its duration and this buffer. `ignore_booking_id`: a
    booking being moved does not stand in its own way.
    """
    buffer = timedelta(minutes=availability.buffer_minutes)
    # A slot's meeting and buffer end at most this long after the window does.
    beyond = end + LONGEST + buffer
    booked = Appointment.objects.filter(
        assignee_id=availability.user_id,
        status=AppointmentStatus.BOOKED,
        starts_at__lt=beyond,
        starts_at__gt=start - LONGEST - buffer,
    ).values("starts_at", "duration_minutes", "booking__id", "booking__blocked_until")
    busy = [
        (
            row["starts_at"],
            row["booking__blocked_until"]
            or row["starts_at"] + timedelta(minutes=row["duration_minutes"]) + buffer,
        )
        for row in booked
        if ignore_booking_id is None or row["booking__id"] != ignore_booking_id
    ]
    hours = [Hours(h.weekday, h.starts, h.ends) for h in availability.hours.all()]
    days_off = [(d.first_day, d.last_day) for d in availability.days_off.all()]
    return SlotInputs(
        timezone=availability.timezone,
        buffer=buffer,
        hours=hours,
        days_off=days_off,
        busy=sorted(busy),
    )


def booked_meetings(*, now: datetime, ahead_days: int = 14, back_days: int = 14):
    """Still-booked appointments from `back_days` ago to `ahead_days` ahead, soonest first:
    those started await an outcome (attended / no-show), the others are upcoming. One query."""
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            starts_at__gte=now - timedelta(days=back_days),
            starts_at__lt=now + timedelta(days=ahead_days),
        )
        .select_related("account", "contact", "assignee", "booking__meeting_kind")
        .order_by("starts_at")
    )


def split_started(meetings, now: datetime) -> tuple[list, list]:
    """(started, awaiting an outcome, latest first; upcoming, soonest first)."""
    started = [m for m in meetings if m.starts_at <= now]
    return started[::-1], [m for m in meetings if m.starts_at > now]
