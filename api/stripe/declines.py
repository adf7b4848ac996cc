"""Why a Stripe payment attempt failed: its decline code, from the attempt itself.

A failed invoice's `last_finalization_error` is about finalizing the invoice,
not the payment. The decline is on the attempt: the charge's `outcome.reason`
(the issuer's decline code, e.g. `insufficient_funds`) or `failure_code`, or the
payment intent's `last_payment_error.decline_code` / `code`. Customers read it
as a sentence (activity.payment_failures); the stored reason is the code.
"""

from datetime import datetime

from django.db.models import Q

from activity.models import Payment, PaymentStatus
from activity.services.payments import add_failure_reason

from ..models import StripeDecline


def charge_decline(charge: dict) -> str:
    """The decline code of a failed charge ("" if it has none)."""
    outcome = charge.get("outcome")
    if not isinstance(outcome, dict):
        outcome = {}
    reason = outcome.get("reason")
    if outcome.get("type") == "issuer_declined" and isinstance(reason, str) and reason:
        return reason
    code = charge.get("failure_code")
    return code if isinstance(code, str) else ""


def payment_intent_decline(payment_intent: dict) -> str:
    """The decline code of a payment intent's last failed attempt ("" if none)."""
    error = payment_intent.get("last_payment_error")
    if not isinstance(error, dict):
        return ""
    code = error.get("decline_code") or error.get("code")
    return code if isinstance(code, str) else ""


def object_id(value: object) -> str:
    """The id of a field Stripe sends as an id or, expanded, as the object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def recorded_decline(
    *, charge_id: str, payment_intent_id: str, invoice_id: str, after: datetime | None = None
) -> str:
    """The decline code a charge or payment-intent event reported for this attempt ("" if none).

    The charge is the attempt: when the invoice names it, only its own decline
    counts. Otherwise the payment intent's or invoice's latest decline made
    `after` the invoice's previous failed attempt (a payment intent is retried
    for each attempt, so an older decline belongs to an older attempt).
    """
    if charge_id:
        match = Q(charge_id=charge_id)
    elif payment_intent_id or invoice_id:
        match = Q(pk__in=[])
        if payment_intent_id:
            match |= Q(payment_intent_id=payment_intent_id)
        if invoice_id:
            match |= Q(invoice_id=invoice_id)
        if after is not None:
            match &= Q(attempted_at__gt=after)
    else:
        return ""
    found = StripeDecline.objects.filter(match).order_by("-attempted_at", "-pk").first()
    return found.code if found else ""


def record_decline(
    *,
    event_id: str,
    code: str,
    attempted_at: datetime,
    charge_id: str = "",
    payment_intent_id: str = "",
    invoice_id: str = "",
) -> bool:
    """Keep a decline for the invoice event to find, or give it to the failure already recorded.

    Returns True if a recorded failed payment got its reason now.
    """
    StripeDecline.objects.get_or_create(
        event_id=event_id,
        defaults={
            "charge_id": charge_id,
            "payment_intent_id": payment_intent_id,
            "invoice_id": invoice_id,
            "code": code[:100],
            "attempted_at": attempted_at,
        },
    )
    failed = Payment.objects.filter(status=PaymentStatus.FAILED, failure_reason="")
    payment = failed.filter(external_id=charge_id).first() if charge_id else None
    if payment is None and invoice_id:
        payment = failed.filter(invoice_id=invoice_id).order_by("-occurred_at").first()
    return payment is not None and add_failure_reason(payment=payment, reason=code)
