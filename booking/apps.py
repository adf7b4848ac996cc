from django.apps import AppConfig


class BookingConfig(AppConfig):
    """Customers book, move and cancel meetings with their CSM: availability, free slots,
    the booking itself (one staff member's time is never booked twice) and its invitation."""

    name = "booking"
    verbose_name = "Booking"

    def install_defaults(self) -> None:
        """The starter meeting kinds and the booking e-mails, where missing."""
        from notifications.models import MessageTemplate

        from .defaults import install_meeting_kinds, install_templates
        from .models import MeetingKind

        install_meeting_kinds(MeetingKind)
        install_templates(MessageTemplate)

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (appointments moved or called off elsewhere)
