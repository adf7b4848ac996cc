"""What each Stripe event type does in OpenCSM, through the domain services.

| event type | effect |
|---|---|
| `invoice.paid` | a succeeded payment (amount in the currency's own unit); none for a 0 invoice |
| `invoice.payment_failed` | a failed payment per attempt, with the attempt's decline code |
| `charge.failed`, `payment_intent.payment_failed` | the decline code of an attempt |
| `customer.subscription.*` | the subscription's row; the account's plan, MRR, renewal, lifecycle |

Every other type (and every thin, v2 event) is acknowledged and ignored.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from accounts.models import (
    ENDED_SUBSCRIPTION_STATUSES,
    Account,
    Plan,
    PlanMapping,
    Subscription,
    SubscriptionStatus,
)
from accounts.services import record_subscription
from activity.models import Payment, PaymentStatus
from activity.services.payments import record_payment
from core import clock
from core.causes import Cause
from core.money import from_minor_units

from ..batching import Refused
from .declines import (
    charge_decline,
    object_id,
    payment_intent_decline,
    record_decline,
    recorded_decline,
)
from .prices import item_price, subscription_items, subscription_mrr

# The ids OpenCSM keeps (subscriptions, charges, invoices) fit this many characters.
MAX_ID_LENGTH = 200
# Seconds since 1970 that make a date (Stripe's timestamps are within this).
_LATEST_TIMESTAMP = 2**33


@dataclass(frozen=True)
class StripeEvent:
    """One verified event: its id, type, Stripe's time for it, and its object."""

    id: str
    kind: str
    created: datetime | None
    obj: dict
    cause: Cause


def timestamp(value: object) -> datetime | None:
    """A Stripe timestamp (seconds since 1970) as an aware datetime; None if absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < _LATEST_TIMESTAMP:
        raise ValueError(f"{value!r} is not a Stripe timestamp.")
    return datetime.fromtimestamp(value, tz=UTC)


def _id(value: object, what: str) -> str:
    """A Stripe id (or an expanded object's), refused when longer than OpenCSM keeps."""
    found = object_id(value)
    if len(found) > MAX_ID_LENGTH:
        raise Refused(f"{what} is longer than {MAX_ID_LENGTH} characters.")
    return found


def _account(customer: object) -> Account:
    customer_id = _id(customer, "The customer id")
    account = (
        Account.objects.filter(billing_customer_id=customer_id).first() if customer_id else None
    )
    if account is None:
        # Refused (and retried by Stripe) until the account is linked via the API.
        raise Refused(f"No account has billing customer id {customer_id!r}.")
    return account


def _currency(obj: dict) -> str:
    currency = obj.get("currency") or "usd"
    if not isinstance(currency, str):
        raise ValueError("currency is not a currency code.")
    return currency.upper()


def _invoice_subscription(invoice: dict) -> str:
    """The subscription an invoice bills: `subscription`, or (since 2025) under `parent`."""
    found = _id(invoice.get("subscription"), "The subscription id")
    parent = invoice.get("parent")
    if not found and isinstance(parent, dict):
        details = parent.get("subscription_details")
        if isinstance(details, dict):
            found = _id(details.get("subscription"), "The subscription id")
    return found


def invoice_paid(event: StripeEvent) -> Account:
    """A paid invoice is a succeeded payment; a $0.00 one (a trial, a 100 % coupon) is not.

    A payment for a subscription that has ended (a final invoice) does not
    reactivate a churned account; any other paid amount does.
    """
    invoice = event.obj
    account = _account(invoice.get("customer"))
    currency = _currency(invoice)
    amount = from_minor_units(invoice.get("amount_paid", 0), currency)
    if amount == 0 and not settings.STRIPE_RECORD_ZERO_INVOICES:
        return account
    subscription_id = _invoice_subscription(invoice)
    ended = (
        bool(subscription_id)
        and Subscription.objects.filter(
            external_id=subscription_id, status__in=ENDED_SUBSCRIPTION_STATUSES
        ).exists()
    )
    invoice_id = _id(invoice["id"], "The invoice id")
    paid_at = timestamp((invoice.get("status_transitions") or {}).get("paid_at"))
    record_payment(
        account=account,
        external_id=_id(invoice.get("charge"), "The charge id")
        or _id(invoice.get("payment_intent"), "The payment intent id")
        or f"{invoice_id}:paid",
        invoice_id=invoice_id,
        amount=amount,
        currency=currency,
        succeeded=True,
        occurred_at=paid_at or event.created,
        reactivates=not ended,
        cause=event.cause,
    )
    return account


def invoice_payment_failed(event: StripeEvent) -> Account:
    """One failed attempt to pay an invoice, dated and explained by the attempt itself.

    The decline code comes from the attempt (`charge` / `payment_intent`, when
    Stripe sends them expanded), else from its own `charge.failed` or
    `payment_intent.payment_failed` event if that came first (else it is added
    when it comes). The time is the charge's, else the event's: Stripe's clock,
    not the moment the webhook was delivered (retries can be days late).
    """
    invoice = event.obj
    account = _account(invoice.get("customer"))
    currency = _currency(invoice)
    invoice_id = _id(invoice["id"], "The invoice id")
    charge, intent = invoice.get("charge"), invoice.get("payment_intent")
    charge_id, intent_id = _id(charge, "The charge id"), _id(intent, "The payment intent id")
    reason = (
        (charge_decline(charge) if isinstance(charge, dict) else "")
        or (payment_intent_decline(intent) if isinstance(intent, dict) else "")
        or recorded_decline(
            charge_id=charge_id,
            payment_intent_id=intent_id,
            invoice_id=invoice_id,
            after=Payment.objects.filter(invoice_id=invoice_id, status=PaymentStatus.FAILED)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)
            .first(),
        )
    )
    attempted_at = timestamp(charge.get("created")) if isinstance(charge, dict) else None
    attempt = invoice.get("attempt_count") or 1
    if isinstance(attempt, bool) or not isinstance(attempt, int):
        raise ValueError("attempt_count is not a number.")
    record_payment(
        account=account,
        external_id=f"{invoice_id}:attempt:{attempt}",
        invoice_id=invoice_id,
        amount=from_minor_units(invoice.get("amount_due", 0), currency),
        currency=currency,
        succeeded=False,
        failure_reason=reason,
        occurred_at=attempted_at or event.created,
        cause=event.cause,
    )
    return account


def charge_failed(event: StripeEvent) -> Account | None:
    """A failed charge's decline code, for its invoice's failed payment (no payment of its own)."""
    charge = event.obj
    code = charge_decline(charge)
    if code:
        record_decline(
            event_id=event.id,
            code=code,
            attempted_at=timestamp(charge.get("created")) or event.created,
            charge_id=_id(charge.get("id"), "The charge id"),
            payment_intent_id=_id(charge.get("payment_intent"), "The payment intent id"),
            invoice_id=_id(charge.get("invoice"), "The invoice id"),
        )
    return _known_account(charge.get("customer"))


def payment_intent_failed(event: StripeEvent) -> Account | None:
    """A failed payment intent's decline code, for its invoice's failed payment."""
    intent = event.obj
    code = payment_intent_decline(intent)
    if code:
        error = intent.get("last_payment_error") or {}
        record_decline(
            event_id=event.id,
            code=code,
            attempted_at=event.created or timestamp(intent.get("created")),
            charge_id=_id(error.get("charge") or intent.get("latest_charge"), "The charge id"),
            payment_intent_id=_id(intent.get("id"), "The payment intent id"),
            invoice_id=_id(intent.get("invoice"), "The invoice id"),
        )
    return _known_account(intent.get("customer"))


def _known_account(customer: object) -> Account | None:
    customer_id = _id(customer, "The customer id")
    return Account.objects.filter(billing_customer_id=customer_id).first() if customer_id else None


def subscription_changed(event: StripeEvent) -> Account:
    """Any `customer.subscription.*` event: record what Stripe says the subscription is now.

    Never refused for an unmapped plan: the account keeps its plan, and the
    status, MRR and renewal date are recorded all the same.
    """
    subscription = event.obj
    account = _account(subscription.get("customer"))
    items = subscription_items(subscription)
    status = subscription.get("status") or SubscriptionStatus.ACTIVE
    if event.kind == "customer.subscription.deleted":
        status = SubscriptionStatus.CANCELED
    currency = _currency(subscription) if subscription.get("currency") else _item_currency(items)
    ends = [timestamp(item.get("current_period_end")) for item in items]
    period_end = timestamp(subscription.get("current_period_end")) or max(
        (end for end in ends if end), default=None
    )
    record_subscription(
        account=account,
        external_id=_id(subscription.get("id"), "The subscription id"),
        status=status,
        plan=plan_for(subscription, items),
        mrr=subscription_mrr(subscription),
        currency=currency,
        items=[_item_summary(item) for item in items],
        current_period_end=period_end,
        reported_at=event.created or clock.now(),
        cause=event.cause,
    )
    return account


def _price(item: dict) -> dict:
    return item_price(item)[0]


def _item_currency(items: list[dict]) -> str:
    return _currency(_price(items[0])) if items else "USD"


def _item_summary(item: dict) -> dict:
    price = _price(item)
    return {
        "id": _id(item.get("id"), "The item id"),
        "price": _id(price.get("id"), "The price id"),
        "product": _id(price.get("product"), "The product id"),
        "quantity": item.get("quantity", 1),
    }


def plan_for(subscription: dict, items: list[dict]) -> str:
    """The OpenCSM plan the subscription is on ("" if nothing maps to one).

    Per item, in order: the admin's mapping of its price, then of its product,
    then the price's `lookup_key` and `metadata.plan`; last the subscription's
    `metadata.plan`. A value that is not a plan is passed over.
    """
    prices = [_price(item) for item in items]
    ids = {_id(price.get(key), "The price id") for price in prices for key in ("id", "product")}
    mapped = dict(
        PlanMapping.objects.filter(billing_id__in=ids - {""}).values_list("billing_id", "plan")
    )
    for price in prices:
        metadata = price.get("metadata") if isinstance(price.get("metadata"), dict) else {}
        for candidate in (
            mapped.get(_id(price.get("id"), "The price id")),
            mapped.get(_id(price.get("product"), "The product id")),
            price.get("lookup_key"),
            metadata.get("plan"),
        ):
            if isinstance(candidate, str) and candidate in Plan.values:
                return candidate
    metadata = subscription.get("metadata")
    candidate = metadata.get("plan") if isinstance(metadata, dict) else None
    return candidate if isinstance(candidate, str) and candidate in Plan.values else ""


HANDLERS = {
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "charge.failed": charge_failed,
    "payment_intent.payment_failed": payment_intent_failed,
    **{
        f"customer.subscription.{what}": subscription_changed
        for what in (
            "created",
            "updated",
            "deleted",
            "paused",
            "resumed",
            "trial_will_end",
            "pending_update_applied",
            "pending_update_expired",
        )
    },
}
HANDLED_EVENT_TYPES = sorted(HANDLERS)
