"""Availability (weekly hours, days off, buffer, meeting kinds) and bookings.

A booking is an `activity.Appointment` (what the playbooks and the timeline read) plus the
staff member's time it holds, which the database keeps from being held twice
(booking.constraints).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Contact, validate_timezone
from activity.models import Appointment, AppointmentKind


class MeetingKind(models.Model):
    """A kind of meeting customers book (a feature walkthrough, a success session)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=64, unique=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    description = models.TextField(
        blank=True, help_text="The agenda: shown on the booking page and in the invitation."
    )
    # What the playbooks see (f1 and its reminders read the appointment's kind).
    appointment_kind = models.CharField(
        max_length=16, choices=AppointmentKind.choices, default=AppointmentKind.WALKTHROUGH
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class Availability(models.Model):
    """When one staff member takes meetings, in their own timezone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    timezone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_timezone],
        help_text="The weekly hours are in this timezone, e.g. Europe/Berlin.",
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(240)],
        help_text="Kept free after each meeting.",
    )
    meeting_kinds = models.ManyToManyField(MeetingKind, blank=True, related_name="staff")
    is_bookable = models.BooleanField(
        default=True, help_text="Off: customers see no free times (existing bookings stay)."
    )

    class Meta:
        verbose_name_plural = "availability"

    def __str__(self) -> str:
        return f"Availability of {self.user}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyHours(models.Model):
    """A stretch of a weekday on which meetings may take place (several a day allowed)."""

    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="weekly_hours_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class DayOff(models.Model):
    """Days (in the staff member's timezone) with no meetings: leave, holidays."""

    availability = models.ForeignKey(
        Availability, on_delete=models.CASCADE, related_name="days_off"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name_plural = "days off"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="day_off_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day}"


class Booking(models.Model):
    """A meeting booked here: its appointment and the staff member's time it holds."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="booking"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="bookings")
    meeting_kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The end of the buffer after the meeting: the time no other booking may overlap.
    blocked_until = models.DateTimeField()
    # The customer's timezone as their browser reported it: how their e-mails show times.
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    # The invitation's SEQUENCE: each reschedule or cancellation sends a newer one.
    sequence = models.PositiveIntegerField(default=0)
    # False once cancelled: the time is free again.
    holds_time = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["staff", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at"))
                & models.Q(blocked_until__gte=models.F("ends_at")),
                name="booking_times_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_kind.name} with {self.contact} at {self.starts_at:%Y-%m-%d %H:%M}"
