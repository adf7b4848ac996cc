"""Availability has its staff page (booking.availability_views); the admin keeps it too, adds
meeting kinds and sets the appointment kind the playbooks see. Bookings are read here and
changed only through booking.services (the pages and the playbooks)."""

from django.contrib import admin

from .models import Availability, Booking, DayOff, MeetingKind, WeeklyHours


@admin.register(MeetingKind)
class MeetingKindAdmin(admin.ModelAdmin):
    list_display = ["name", "duration_minutes", "appointment_kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 1


class DayOffInline(admin.TabularInline):
    model = DayOff
    extra = 1


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone", "buffer_minutes", "is_bookable"]
    list_select_related = ["user"]
    filter_horizontal = ["meeting_kinds"]
    inlines = [WeeklyHoursInline, DayOffInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "meeting_kind", "staff", "contact", "holds_time", "sequence"]
    list_select_related = ["meeting_kind", "staff", "contact"]
    list_filter = ["holds_time", "meeting_kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
