"""Booking, moving and cancelling meetings: every change to a booking goes through here.

Each calls the activity service the events API calls for the same fact
(book_appointment, reschedule_appointment, cancel_appointment), so the same trigger
kinds fire and every existing playbook (f1's reminders and attendance points) works
unchanged. Each takes the staff member's availability row lock first and the account's
after (activity's services lock it), always in that order.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Contact, validate_timezone
from activity.services.appointments import (
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)
from core import clock
from core.causes import Cause

from . import invitations
from .models import Availability, Booking, MeetingKind
from .selectors import slot_inputs
from .slots import free_slots, window

TAKEN = "That time was just taken. Please pick another one."


def require_timezone(name: str) -> str:
    """Refuse a timezone name that is not IANA's (what a browser reports)."""
    try:
        if not isinstance(name, str) or not name:
            raise ValidationError("no name")
        validate_timezone(name)
    except ValidationError:
        raise ValidationError(
            f"We do not know the timezone {str(name)[:64]!r}.", code="bad_timezone"
        ) from None
    return name


def _lock(staff_id: int | None) -> Availability:
    availability = (
        Availability.objects.select_for_update().filter(user_id=staff_id, is_bookable=True).first()
        if staff_id
        else None
    )
    if availability is None:
        raise ValidationError("This person takes no bookings at the moment.", code="not_bookable")
    return availability


def _require_free(
    availability: Availability,
    kind: MeetingKind,
    starts_at: datetime,
    *,
    ignore_booking_id: int | None = None,
) -> None:
    """Refuse a start that is past, too far ahead, outside the hours, or taken."""
    clock.require_aware(starts_at, "The meeting's start")
    opens, closes = window(clock.now())
    if starts_at < opens:
        raise ValidationError(
            "That time has passed (or is less than an hour away). Please pick a later one.",
            code="past",
        )
    if starts_at >= closes:
        raise ValidationError("Bookings open three weeks ahead.", code="too_far")
    duration = timedelta(minutes=kind.duration_minutes)
    around = {"start": starts_at, "end": starts_at + timedelta(microseconds=1)}
    inputs = slot_inputs(availability, ignore_booking_id=ignore_booking_id, **around)
    if starts_at not in free_slots(replace(inputs, busy=[]), duration=duration, **around):
        raise ValidationError("That time is outside the hours on offer.", code="outside_hours")
    if starts_at not in free_slots(inputs, duration=duration, **around):
        raise ValidationError(TAKEN, code="taken")


def _require_kind(availability: Availability, kind: MeetingKind) -> None:
    if not kind.is_active or not availability.meeting_kinds.filter(pk=kind.pk).exists():
        raise ValidationError(f"{kind.name} is not on offer.", code="kind_not_offered")


@transaction.atomic
def book_meeting(
    *,
    contact: Contact,
    kind: MeetingKind,
    starts_at: datetime,
    timezone: str,
    cause: Cause,
    staff=None,
) -> tuple[Booking, bool]:
    """Book `kind` with `staff` (the account's owner by default). Returns (booking, created).

    The same contact booking the same kind at the same start again (a double click)
    gets the first booking back. Refused (ValidationError, nothing written) for a
    time that is past, outside the hours or taken; two at once get one booking and
    one "taken" (the database's constraint decides, booking.constraints).
    """
    require_timezone(timezone)
    staff_id = staff.pk if staff is not None else contact.account.owner_id
    availability = _lock(staff_id)
    _require_kind(availability, kind)
    clock.require_aware(starts_at, "The meeting's start")
    repeat = Booking.objects.filter(
        contact=contact, meeting_kind=kind, starts_at=starts_at, holds_time=True
    ).first()
    if repeat is not None:
        return repeat, False
    _require_free(availability, kind, starts_at)
    staff = availability.user
    appointment, _ = book_appointment(
        account=contact.account,
        kind=kind.appointment_kind,
        starts_at=starts_at,
        cause=cause,
        contact=contact,
        assignee=staff,
        duration_minutes=kind.duration_minutes,
        # OpenCSM is the booking system here: its own id, so a cancelled meeting at the
        # same time never stands in a new one's way.
        external_id=f"opencsm-{uuid.uuid4().hex}",
    )
    ends_at = starts_at + timedelta(minutes=kind.duration_minutes)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                appointment=appointment,
                staff=staff,
                contact=contact,
                meeting_kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_until=ends_at + timedelta(minutes=availability.buffer_minutes),
                timezone=timezone,
                created_at=clock.now(),
            )
    except IntegrityError:
        raise ValidationError(TAKEN, code="taken") from None
    invitations.queue_invitation(booking=booking, template_key=invitations.CONFIRMED, cause=cause)
    return booking, True


@transaction.atomic
def reschedule_meeting(*, booking: Booking, starts_at: datetime, cause: Cause) -> bool:
    """Move `booking` (and its appointment, so f1's reminders move) to a free start.

    Returns False if it already starts then. The customer gets the invitation again
    with a higher SEQUENCE.
    """
    availability = _lock(booking.staff_id)
    locked = Booking.objects.select_related("meeting_kind", "contact__account", "staff").get(
        pk=booking.pk
    )
    if not locked.holds_time:
        raise ValidationError("This meeting was cancelled.", code="cancelled")
    if locked.starts_at == starts_at:
        return False
    _require_free(availability, locked.meeting_kind, starts_at, ignore_booking_id=locked.pk)
    reschedule_appointment(appointment=locked.appointment, starts_at=starts_at, cause=cause)
    length = locked.ends_at - locked.starts_at
    locked.starts_at = starts_at
    locked.ends_at = starts_at + length
    locked.blocked_until = locked.ends_at + timedelta(minutes=availability.buffer_minutes)
    locked.sequence += 1
    try:
        with transaction.atomic():
            locked.save(update_fields=["starts_at", "ends_at", "blocked_until", "sequence"])
    except IntegrityError:
        raise ValidationError(TAKEN, code="taken") from None
    invitations.queue_invitation(booking=locked, template_key=invitations.RESCHEDULED, cause=cause)
    return True


@transaction.atomic
def cancel_meeting(*, booking: Booking, cause: Cause) -> bool:
    """Call the meeting off: its time is free again and the customer's calendar is told.

    Returns False if it was already cancelled.
    """
    locked = Booking.objects.select_related("meeting_kind", "contact__account", "staff").get(
        pk=booking.pk
    )
    if not locked.holds_time:
        return False
    cancel_appointment(appointment=locked.appointment, cause=cause)
    locked.holds_time = False
    locked.sequence += 1
    locked.save(update_fields=["holds_time", "sequence"])
    invitations.queue_invitation(booking=locked, template_key=invitations.CANCELLED, cause=cause)
    return True


@transaction.atomic
def follow_appointment(*, appointment_id: int, cause: Cause) -> bool:
    """Bring a booking in line with its appointment changed elsewhere (the events API
    moved or cancelled it): the time it holds follows, and the customer's calendar.

    Returns False when they already agree (the change came from here).
    """
    locked = (
        Booking.objects.select_for_update()
        .select_related("appointment", "meeting_kind", "contact__account", "staff")
        .filter(appointment_id=appointment_id)
        .first()
    )
    if locked is None or not locked.holds_time:
        return False
    appointment = locked.appointment
    if appointment.status == "cancelled":
        locked.holds_time = False
        template = invitations.CANCELLED
    elif appointment.starts_at != locked.starts_at:
        buffer = locked.blocked_until - locked.ends_at
        locked.starts_at = appointment.starts_at
        locked.ends_at = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
        locked.blocked_until = locked.ends_at + buffer
        template = invitations.RESCHEDULED
    else:
        return False
    locked.sequence += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        # Moved onto time another booking holds: the appointment keeps its new time (the
        # API decided), the booking keeps the time it held until someone moves it.
        return False
    invitations.queue_invitation(booking=locked, template_key=template, cause=cause)
    return True
