"""Appointment data: the booking kinds' (from a service) and the reminders' (from a sweep)."""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.db.models import QuerySet

from activity.models import Appointment, AppointmentKind
from booking import links as booking_links
from core import clock

from .kind import Data, full_name

# What an appointment's data is built from: it, its assignee, its contact and account.
ROW_FIELDS = (
    "pk",
    "account_id",
    "kind",
    "starts_at",
    "external_id",
    "assignee_id",
    "assignee__first_name",
    "assignee__last_name",
    "contact__name",
    "account__timezone",
    "booking__id",  # booked here: the reminder links to the booking's own reschedule page
)


class AppointmentData(TypedDict):
    appointment_id: int
    appointment_kind: str
    starts_at: str
    assignee_id: int | None
    staff_name: str


class ReminderData(AppointmentData):
    contact_name: str
    reschedule_url: str


def appointment_rows(appointments: QuerySet[Appointment]) -> QuerySet:
    """`appointments` as rows the builders below read (one query, joined)."""
    return appointments.values(*ROW_FIELDS)


def appointment_data(row: Data) -> AppointmentData:
    """A booked, moved, attended … appointment's data, from its row."""
    return {
        "appointment_id": row["pk"],
        "appointment_kind": AppointmentKind(row["kind"]).label,
        "starts_at": row["starts_at"].isoformat(),
        "assignee_id": row["assignee_id"],
        "staff_name": full_name(row["assignee__first_name"], row["assignee__last_name"]),
    }


def announced_appointment(announcement: Data) -> AppointmentData:
    """The data of an appointment a service announced (`appointment_id`)."""
    rows = appointment_rows(Appointment.objects.filter(pk=announcement["appointment_id"]))
    return appointment_data(rows.get())


def reminder_data(row: Data) -> ReminderData:
    """A reminder's data: what the customer reads, so the start in their timezone."""
    return {
        **appointment_data(row),
        "starts_at": clock.format_local(row["starts_at"], row["account__timezone"]),
        "contact_name": row["contact__name"] or "",
        "reschedule_url": _reschedule_url(row),
    }


def _reschedule_url(row: Data) -> str:
    if row.get("booking__id"):
        return booking_links.reschedule_url(
            booking_id=row["booking__id"], starts_at=row["starts_at"]
        )
    return settings.RESCHEDULE_URL.format(
        appointment=row["pk"], external_id=row["external_id"] or row["pk"]
    )


def reminder_key(row: Data) -> str:
    """One reminder per appointment and start: a rescheduled one gets fresh reminders."""
    return f"{row['pk']}:{int(row['starts_at'].timestamp())}"
