"""Recording payment attempts reported by the payment provider."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account
from accounts.services import lock_account
from core import clock
from core.causes import Cause
from core.events import send_on_commit
from core.numbers import decimal_or_refuse

from .. import signals
from ..models import Payment, PaymentStatus


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
    occurred_at: datetime | None = None,
) -> tuple[Payment, bool]:
    """Record a payment that succeeded or failed. Returns (payment, created).

    The provider's id and the outcome are the identity: a redelivered
    payment is stored once, while an invoice that failed and was later paid
    is two records. The same id reported for another account is refused
    rather than silently merged.
    """
    external_id = (external_id or "").strip()
    if not external_id:
        raise ValidationError("A payment needs the provider's id.", code="required")
    amount = decimal_or_refuse(amount, "The payment amount")
    if amount < 0:
        raise ValidationError("A payment amount cannot be negative.", code="negative_amount")
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(f"{currency!r} is not a currency code.", code="invalid_currency")
    occurred_at = clock.require_past(occurred_at or clock.now(), "The payment time")
    status = PaymentStatus.SUCCEEDED if succeeded else PaymentStatus.FAILED
    locked = lock_account(account)
    if Payment.objects.filter(external_id=external_id).exclude(account=locked).exists():
        raise ValidationError(
            f"Payment {external_id!r} is already recorded for another account.",
            code="payment_conflict",
        )
    existing = Payment.objects.filter(external_id=external_id, status=status).first()
    if existing:
        return existing, False
    payment = Payment.objects.create(
        account=locked,
        external_id=external_id,
        amount=amount,
        currency=currency,
        status=status,
        failure_reason="" if succeeded else failure_reason[:255],
        occurred_at=occurred_at,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    signal = signals.payment_succeeded if succeeded else signals.payment_failed
    send_on_commit(signal, sender=Payment, account_id=locked.pk, payment_id=payment.pk, cause=cause)
    return payment, True
