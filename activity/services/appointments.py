"""Booking appointments and recording how they went (playbook f1's inputs)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Account, Contact
from accounts.services import lock_account, require_same_account
from core import clock
from core.causes import Cause
from core.handover import record_and_announce
from core.inputs import text_for_field
from core.records import create_once

from .. import signals
from ..models import Appointment, AppointmentKind, AppointmentStatus, Feature, StatusChange


@transaction.atomic
def book_appointment(
    *,
    account: Account,
    kind: str,
    starts_at: datetime,
    cause: Cause,
    contact: Contact | None = None,
    assignee=None,
    feature: Feature | None = None,
    duration_minutes: int = 30,
    external_id: str = "",
) -> tuple[Appointment, bool]:
    """Book an appointment. Returns (appointment, created).

    The booking system's id is the identity when given (else account, kind
    and start time): a booking reported twice is stored once.
    """
    if kind not in AppointmentKind.values:
        raise ValidationError(f"Unknown appointment kind {kind!r}.", code="invalid_kind")
    clock.require_aware(starts_at, "The appointment start")
    external_id = text_for_field(
        external_id, Appointment._meta.get_field("external_id"), "The booking id"
    )
    if not 5 <= duration_minutes <= 480:
        raise ValidationError(
            "An appointment lasts between 5 minutes and 8 hours.", code="invalid_duration"
        )
    locked = lock_account(account)
    require_same_account(contact, locked)
    identity = (
        {"external_id": external_id}
        if external_id
        else {"account": locked, "kind": kind, "starts_at": starts_at, "external_id": ""}
    )
    fields = {
        "account": locked,
        "kind": kind,
        "starts_at": starts_at,
        "contact": contact,
        "assignee": assignee,
        "feature": feature,
        "duration_minutes": duration_minutes,
        "created_at": clock.now(),
        **cause.as_fields(),
    }
    appointment, created = create_once(
        Appointment,
        identity=identity,
        account_id=locked.pk,
        what=f"Appointment {external_id!r}",
        conflict_code="appointment_conflict",
        fields=fields,
    )
    if not created:
        return appointment, False
    record_and_announce(
        signals.appointment_booked,
        sender=Appointment,
        account_id=locked.pk,
        appointment_id=appointment.pk,
        cause=cause,
    )
    return appointment, True


def _lock_booked(appointment: Appointment, action: str) -> Appointment:
    lock_account(appointment.account_id)
    locked = Appointment.objects.get(pk=appointment.pk)
    if locked.status not in (AppointmentStatus.BOOKED, action):
        raise ValidationError(
            f"This appointment is {locked.get_status_display().lower()}; "
            f"it cannot be marked {AppointmentStatus(action).label.lower()}.",
            code="invalid_transition",
        )
    return locked


def _set_status(
    appointment: Appointment, status: str, cause: Cause, signal, *, once_started: bool = False
) -> bool:
    locked = _lock_booked(appointment, status)
    if locked.status == status:
        return False
    if once_started and locked.starts_at > clock.now():
        # Whether the customer showed up is known only once it has begun; marking
        # it earlier would award attendance points for a meeting yet to happen.
        raise ValidationError(
            f"This appointment starts at {locked.starts_at.isoformat()}; it can be marked "
            f"{AppointmentStatus(status).label.lower()} once it has started.",
            code="not_started",
        )
    Appointment.objects.filter(pk=locked.pk).update(status=status)
    StatusChange.objects.create(
        appointment=locked,
        from_status=locked.status,
        to_status=status,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    record_and_announce(
        signal,
        sender=Appointment,
        account_id=locked.account_id,
        appointment_id=locked.pk,
        cause=cause,
    )
    return True


@transaction.atomic
def mark_appointment_attended(*, appointment: Appointment, cause: Cause) -> bool:
    """The customer showed up. Returns False if already marked attended.

    Refused (ValidationError) before the appointment has started.
    """
    return _set_status(
        appointment,
        AppointmentStatus.ATTENDED,
        cause,
        signals.appointment_attended,
        once_started=True,
    )


@transaction.atomic
def mark_appointment_no_show(*, appointment: Appointment, cause: Cause) -> bool:
    """The customer did not show up. Returns False if already marked.

    Refused (ValidationError) before the appointment has started.
    """
    return _set_status(
        appointment,
        AppointmentStatus.NO_SHOW,
        cause,
        signals.appointment_no_show,
        once_started=True,
    )


@transaction.atomic
def cancel_appointment(*, appointment: Appointment, cause: Cause) -> bool:
    """Call the appointment off (no reminders). Returns False if already cancelled."""
    return _set_status(
        appointment, AppointmentStatus.CANCELLED, cause, signals.appointment_cancelled
    )


@transaction.atomic
def reschedule_appointment(*, appointment: Appointment, starts_at: datetime, cause: Cause) -> bool:
    """Move a booked appointment to a new time. Returns False if the time is unchanged."""
    clock.require_aware(starts_at, "The new appointment start")
    locked = _lock_booked(appointment, AppointmentStatus.BOOKED)
    if locked.starts_at == starts_at:
        return False
    try:
        with transaction.atomic():
            Appointment.objects.filter(pk=locked.pk).update(starts_at=starts_at)
    except IntegrityError:
        raise ValidationError(
            "This account already has that kind of appointment at that time.",
            code="appointment_clash",
        ) from None
    StatusChange.objects.create(
        appointment=locked,
        from_status=locked.status,
        to_status=locked.status,
        data={
            "from_starts_at": locked.starts_at.isoformat(),
            "to_starts_at": starts_at.isoformat(),
        },
        created_at=clock.now(),
        **cause.as_fields(),
    )
    record_and_announce(
        signals.appointment_rescheduled,
        sender=Appointment,
        account_id=locked.account_id,
        appointment_id=locked.pk,
        previous_starts_at=locked.starts_at,
        cause=cause,
    )
    return True
