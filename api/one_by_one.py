"""The event types a SaaS product sends rarely: each item through its service in turn.

Each class is the batch service of its types (see api.batching.OneByOne):
it maps an event's fields onto the domain service that applies it.
"""

from typing import Any

from django.contrib.auth import get_user_model

from accounts.models import Account, Contact
from accounts.services import cancel_subscription, change_plan, record_affiliate_joined
from activity.models import Appointment
from activity.services import appointments, payments
from core.causes import Cause

from . import schemas
from .batching import OneByOne, Refused


class Payments(OneByOne):
    """payment.succeeded and payment.failed."""

    def apply_one(self, event: schemas.PaymentRecorded, cause: Cause) -> Account:
        """Record the payment (or its failure) on the account."""
        account = self.account(event)
        payments.record_payment(
            account=account,
            external_id=event.payment_id,
            invoice_id=event.invoice_id,
            amount=event.amount,
            currency=event.currency,
            succeeded=event.type == "payment.succeeded",
            failure_reason=event.failure_reason,
            occurred_at=event.occurred_at,
            cause=cause,
        )
        return account


class Cancellations(OneByOne):
    """subscription.cancelled."""

    def apply_one(self, event: Any, cause: Cause) -> Account:
        """Cancel the account's subscription."""
        account = self.account(event)
        cancel_subscription(account=account, cause=cause)
        return account


class PlanChanges(OneByOne):
    """plan.changed."""

    def apply_one(self, event: schemas.PlanChanged, cause: Cause) -> Account:
        """Move the account to its new plan and MRR."""
        account = self.account(event)
        change_plan(account=account, plan=event.plan, mrr=event.mrr, cause=cause)
        return account


class Bookings(OneByOne):
    """appointment.booked: with a staff member (the owner unless named) and a contact."""

    def apply_one(self, event: schemas.AppointmentBooked, cause: Cause) -> Account:
        """Book the appointment; a named staff member must exist."""
        account = self.account(event)
        assignee = contact = None
        if event.assignee_email:
            assignee = get_user_model().objects.filter(email__iexact=event.assignee_email).first()
            if assignee is None:
                raise Refused(f"No staff member has the e-mail {event.assignee_email}.")
        if event.contact_email:
            contact = Contact.objects.filter(account=account, email__iexact=event.contact_email)
            contact = contact.first()
        appointments.book_appointment(
            account=account,
            kind=event.kind,
            starts_at=event.starts_at,
            duration_minutes=event.duration_minutes,
            assignee=assignee or account.owner,
            contact=contact,
            external_id=event.appointment_id,
            cause=cause,
        )
        return account


class BookedAppointments(OneByOne):
    """What happens to an appointment booked by an earlier event: found by its id."""

    def appointment(self, event: Any) -> Appointment:
        """The account's appointment the event names, or a refusal."""
        found = Appointment.objects.filter(
            account=self.account(event), external_id=event.appointment_id
        ).first()
        if found is None:
            raise Refused(f"Unknown appointment {event.appointment_id!r} for this account.")
        return found


class Reschedules(BookedAppointments):
    """appointment.rescheduled."""

    def apply_one(self, event: schemas.AppointmentRescheduled, cause: Cause) -> Account:
        """Move the appointment to its new start."""
        appointment = self.appointment(event)
        appointments.reschedule_appointment(
            appointment=appointment, starts_at=event.starts_at, cause=cause
        )
        return self.account(event)


class AppointmentOutcomes(BookedAppointments):
    """appointment.cancelled, appointment.attended and appointment.no_show."""

    SERVICES = {
        "appointment.cancelled": appointments.cancel_appointment,
        "appointment.attended": appointments.mark_appointment_attended,
        "appointment.no_show": appointments.mark_appointment_no_show,
    }

    def apply_one(self, event: schemas.AppointmentOutcome, cause: Cause) -> Account:
        """Record how the appointment went."""
        self.SERVICES[event.type](appointment=self.appointment(event), cause=cause)
        return self.account(event)


class AffiliateJoins(OneByOne):
    """affiliate.joined: the end of playbook h1's recruitment (once per account)."""

    def apply_one(self, event: schemas.AffiliateJoined, cause: Cause) -> Account:
        """Record the join; a second report for the account changes nothing."""
        account = self.account(event)
        record_affiliate_joined(
            account=account, affiliate_id=event.affiliate_id, joined_at=event.joined_at, cause=cause
        )
        return account
