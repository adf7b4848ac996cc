"""Payment data, for the payment kinds."""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict

from activity.models import Payment, PaymentStatus
from activity.payment_failures import explain_payment_failure
from core import clock
from core.money import format_money, quantize_money

from .kind import Data


class PaymentData(TypedDict):
    payment_id: int
    amount: str
    amount_display: str
    currency: str
    invoice_id: str
    failure_reason: str
    failure_explanation: str
    paid_at: str
    failures_last_30_days: int


def announced_payment(announcement: Data) -> PaymentData:
    """The data of a payment a service announced (`payment_id`), with its recent failures."""
    payment = Payment.objects.select_related("account").get(pk=announcement["payment_id"])
    window_start = payment.occurred_at - timedelta(days=30)
    failures = Payment.objects.filter(
        account_id=payment.account_id,
        status=PaymentStatus.FAILED,
        occurred_at__gt=window_start,
        occurred_at__lte=payment.occurred_at,
    ).count()
    return {
        "payment_id": payment.pk,
        # In the currency's own decimals: "5000" yen, "49.50" dollars, "12.345" dinars.
        "amount": str(quantize_money(payment.amount, payment.currency)),
        "amount_display": format_money(payment.amount, payment.currency),
        "currency": payment.currency,
        "invoice_id": payment.invoice_id or payment.external_id,
        "failure_reason": payment.failure_reason,
        # What the customer is told: the provider's code as a plain sentence.
        "failure_explanation": explain_payment_failure(payment.failure_reason),
        "paid_at": clock.format_local(payment.occurred_at, payment.account.timezone),
        "failures_last_30_days": failures,
    }
