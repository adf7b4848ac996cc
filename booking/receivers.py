"""Appointments moved or called off elsewhere (the events API): the booking follows.

Receivers only hand over to booking.services.follow_appointment.
"""

from django.dispatch import receiver

from activity import signals
from activity.models import Appointment


@receiver(signals.appointment_rescheduled, sender=Appointment)
@receiver(signals.appointment_cancelled, sender=Appointment)
def follow_appointment(sender, *, appointment_id: int, cause, **kwargs) -> None:
    from .services import follow_appointment as follow

    follow(appointment_id=appointment_id, cause=cause)
