"""Recording payment attempts reported by the payment provider."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Lifecycle
from accounts.services import lock_account, reactivate_account
from core import clock
from core.causes import Cause
from core.handover import record_and_announce
from core.inputs import currency_code, decimal_for_field, text_for_field
from core.records import create_once

from .. import signals
from ..models import Payment, PaymentStatus

_field = Payment._meta.get_field


@transaction.atomic
def record_payment(
    *,
    account: Account,
    external_id: str,
    amount: Decimal,
    succeeded: bool,
    cause: Cause,
    currency: str = "USD",
    failure_reason: str = "",
    invoice_id: str = "",
    occurred_at: datetime | None = None,
    reactivates: bool = True,
) -> tuple[Payment, bool]:
    """Record one payment attempt that succeeded or failed. Returns (payment, created).

    `external_id` is the provider's id for this attempt: a redelivered
    attempt is stored once, and each retry of an invoice (`invoice_id`) is
    its own record. An id already recorded for another account, or with the
    other outcome, is refused rather than silently merged.

    A payment that succeeded with an amount brings a churned account back
    (`reactivate_account`), unless the caller knows it settles an ended
    subscription (`reactivates=False`, e.g. a final invoice after cancelling).
    """
    external_id = text_for_field(external_id, _field("external_id"), "The payment's provider id")
    if not external_id:
        raise ValidationError("A payment needs the provider's id.", code="required")
    invoice_id = text_for_field(invoice_id, _field("invoice_id"), "The invoice id")
    amount = decimal_for_field(amount, _field("amount"), "The payment amount")
    if amount < 0:
        raise ValidationError("A payment amount cannot be negative.", code="negative_amount")
    currency = currency_code(currency)
    occurred_at = clock.require_past(occurred_at or clock.now(), "The payment time")
    status = PaymentStatus.SUCCEEDED if succeeded else PaymentStatus.FAILED
    locked = lock_account(account)
    payment, created = create_once(
        Payment,
        identity={"external_id": external_id},
        account_id=locked.pk,
        what=f"Payment {external_id!r}",
        conflict_code="payment_conflict",
        fields={
            "account": locked,
            "invoice_id": invoice_id,
            "amount": amount,
            "currency": currency,
            "status": status,
            "failure_reason": "" if succeeded else (failure_reason or "")[:255],
            "occurred_at": occurred_at,
            "created_at": clock.now(),
            **cause.as_fields(),
        },
    )
    if not created:
        if payment.status != status:
            raise ValidationError(
                f"Payment {external_id!r} is already recorded as {payment.status}.",
                code="payment_conflict",
            )
        return payment, False
    if succeeded and reactivates and amount > 0 and locked.lifecycle == Lifecycle.CHURNED:
        reactivate_account(account=locked, how="payment", cause=cause)
    signal = signals.payment_succeeded if succeeded else signals.payment_failed
    record_and_announce(
        signal, sender=Payment, account_id=locked.pk, payment_id=payment.pk, cause=cause
    )
    return payment, True


@transaction.atomic
def add_failure_reason(*, payment: Payment, reason: str) -> bool:
    """Give a failed payment recorded without a reason the provider's decline code.

    For a provider that reports the decline apart from the failed invoice (Stripe's
    `charge.failed` may come after `invoice.payment_failed`). A reason already
    recorded is kept; nothing is announced again. Returns False if nothing changed.
    """
    reason = (reason or "").replace("\x00", "").strip()[:255]
    if not reason:
        return False
    return bool(
        Payment.objects.filter(
            pk=payment.pk, status=PaymentStatus.FAILED, failure_reason=""
        ).update(failure_reason=reason)
    )
