"""Stripe objects as Stripe's API reference shows them, and events signed as Stripe signs them.

Each builder starts from the example object of the reference (docs.stripe.com/api:
the Price, Subscription, Subscription Item, Invoice, Charge, PaymentIntent and
Event objects, with the fields an account on a 2024 API version receives), so a
test changes only what it is about. Signing uses the official `stripe` package.
"""

import json
from datetime import datetime

import stripe
from django.test import Client

WEBHOOK = "/api/webhooks/stripe"
SECRET = "whsec_test_0123456789"
CUSTOMER = "cus_Na6dX7aXxi11N4"


def signed_post(client: Client, body: bytes | str, *, at: datetime, secret: str = SECRET):
    """POST `body` to the webhook with the `Stripe-Signature` Stripe's library computes."""
    payload = body.decode() if isinstance(body, bytes) else body
    header = stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=int(at.timestamp())
    )
    return client.post(
        WEBHOOK,
        data=payload.encode(),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def send(client: Client, event: dict, *, at: datetime):
    """Deliver `event` now (`at`), signed."""
    return signed_post(client, json.dumps(event), at=at)


def event(
    kind: str, obj: dict, *, created: datetime, event_id: str = "evt_1NG8Du2eZvKYlo2CUI79vXWy"
):
    """The Event object wrapping `obj` (a snapshot event, API version 2024-06-20)."""
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(created.timestamp()),
        "data": {"object": obj, "previous_attributes": {}},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }


def price(**fields) -> dict:
    """A Price: $10.00 a month, per unit, with no lookup key (the reference's example)."""
    recurring = {
        "aggregate_usage": None,
        "interval": fields.pop("interval", "month"),
        "interval_count": fields.pop("interval_count", 1),
        "trial_period_days": None,
        "usage_type": fields.pop("usage_type", "licensed"),
    }
    return {
        "id": "price_1MoBy5LkdIwHu7ixZhnattbh",
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": 1679431181,
        "currency": "usd",
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": None,
        "metadata": {},
        "nickname": None,
        "product": "prod_NZKdYqrwEYx6iK",
        "recurring": recurring,
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring",
        "unit_amount": 1000,
        "unit_amount_decimal": "1000",
        **fields,
    }


def item(
    item_price: dict | None = None,
    *,
    quantity: int = 1,
    item_id: str = "si_NcLYdDxLHxlFo7",
    **fields,
) -> dict:
    """A Subscription Item."""
    return {
        "id": item_id,
        "object": "subscription_item",
        "billing_thresholds": None,
        "created": 1680126546,
        "current_period_end": 1682288167,
        "current_period_start": 1680126546,
        "discounts": [],
        "metadata": {},
        "price": item_price or price(),
        "quantity": quantity,
        "subscription": "sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "tax_rates": [],
        **fields,
    }


def subscription(*items: dict, sub_id: str = "sub_1MowQVLkdIwHu7ixeRlqHVzs", **fields) -> dict:
    """A Subscription, active, with `items` (default: one $10.00 monthly item)."""
    data = list(items) or [item()]
    return {
        "id": sub_id,
        "object": "subscription",
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"enabled": False, "liability": None},
        "billing_cycle_anchor": 1679609767,
        "billing_thresholds": None,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "created": 1679609767,
        "currency": "usd",
        "current_period_end": 1682288167,
        "current_period_start": 1679609767,
        "customer": CUSTOMER,
        "days_until_due": None,
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discount": None,
        "discounts": [],
        "ended_at": None,
        "invoice_settings": {"issuer": {"type": "self"}},
        "items": {
            "object": "list",
            "data": data,
            "has_more": False,
            "total_count": len(data),
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
        "latest_invoice": None,
        "livemode": False,
        "metadata": {},
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": None,
        "payment_settings": {
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": "off",
        },
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": 1679609767,
        "status": "active",
        "test_clock": None,
        "transfer_data": None,
        "trial_end": None,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": None,
        **fields,
    }


def coupon(**fields) -> dict:
    """A Coupon: 25 % off, forever."""
    return {
        "id": "Z4OV52SU",
        "object": "coupon",
        "amount_off": None,
        "created": 1678037688,
        "currency": None,
        "duration": "forever",
        "duration_in_months": None,
        "livemode": False,
        "max_redemptions": None,
        "metadata": {},
        "name": None,
        "percent_off": 25.5,
        "redeem_by": None,
        "times_redeemed": 0,
        "valid": True,
        **fields,
    }


def discount(the_coupon: dict) -> dict:
    """A Discount applying `the_coupon` to the subscription."""
    return {
        "id": "di_1MtJUtLkdIwHu7ixvdW2dcDM",
        "object": "discount",
        "checkout_session": None,
        "coupon": the_coupon,
        "customer": CUSTOMER,
        "end": None,
        "invoice": None,
        "invoice_item": None,
        "promotion_code": None,
        "start": 1680651367,
        "subscription": "sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "subscription_item": None,
    }


def invoice(**fields) -> dict:
    """An Invoice, paid: $49.00 by charge ch_3MtHbELkdIwHu7ix1ORDX4KO."""
    return {
        "id": "in_1MtHbELkdIwHu7ixl4OzzPMv",
        "object": "invoice",
        "account_country": "US",
        "account_name": "Example SaaS",
        "amount_due": 4900,
        "amount_paid": 4900,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "attempt_count": 1,
        "attempted": True,
        "auto_advance": False,
        "billing_reason": "subscription_cycle",
        "charge": "ch_3MtHbELkdIwHu7ix1ORDX4KO",
        "collection_method": "charge_automatically",
        "created": 1680644467,
        "currency": "usd",
        "customer": CUSTOMER,
        "customer_email": "jordan@acme.example",
        "discount": None,
        "discounts": [],
        "hosted_invoice_url": None,
        "last_finalization_error": None,
        "lines": {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": "/v1/invoices/in_1/lines",
        },
        "livemode": False,
        "metadata": {},
        "number": "EXAMPLE-0001",
        "paid": True,
        "payment_intent": "pi_3MtHbELkdIwHu7ix1BQTwdXl",
        "period_end": 1680644467,
        "period_start": 1680644467,
        "status": "paid",
        "status_transitions": {
            "finalized_at": 1680644467,
            "marked_uncollectible_at": None,
            "paid_at": 1680644468,
            "voided_at": None,
        },
        "subscription": "sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "subtotal": 4900,
        "total": 4900,
        **fields,
    }


def failed_invoice(**fields) -> dict:
    """An Invoice whose payment attempt failed: open, nothing paid."""
    return invoice(
        amount_paid=0,
        amount_remaining=4900,
        paid=False,
        status="open",
        status_transitions={
            "finalized_at": 1680644467,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        **fields,
    )


def charge(**fields) -> dict:
    """A Charge declined by the card's issuer for insufficient funds."""
    return {
        "id": "ch_3MtHbELkdIwHu7ix1ORDX4KO",
        "object": "charge",
        "amount": 4900,
        "amount_captured": 0,
        "amount_refunded": 0,
        "captured": False,
        "created": 1680644470,
        "currency": "usd",
        "customer": CUSTOMER,
        "failure_code": "card_declined",
        "failure_message": "Your card has insufficient funds.",
        "invoice": "in_1MtHbELkdIwHu7ixl4OzzPMv",
        "livemode": False,
        "metadata": {},
        "outcome": {
            "network_status": "declined_by_network",
            "reason": "insufficient_funds",
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "The bank returned the decline code `insufficient_funds`.",
            "type": "issuer_declined",
        },
        "paid": False,
        "payment_intent": "pi_3MtHbELkdIwHu7ix1BQTwdXl",
        "status": "failed",
        **fields,
    }


def payment_intent(**fields) -> dict:
    """A PaymentIntent whose last attempt the issuer declined (expired card)."""
    return {
        "id": "pi_3MtHbELkdIwHu7ix1BQTwdXl",
        "object": "payment_intent",
        "amount": 4900,
        "amount_received": 0,
        "capture_method": "automatic",
        "created": 1680644467,
        "currency": "usd",
        "customer": CUSTOMER,
        "invoice": "in_1MtHbELkdIwHu7ixl4OzzPMv",
        "last_payment_error": {
            "charge": "ch_3MtHbELkdIwHu7ix1ORDX4KO",
            "code": "expired_card",
            "decline_code": "expired_card",
            "doc_url": "https://stripe.com/docs/error-codes/expired-card",
            "message": "Your card has expired.",
            "param": "exp_month",
            "type": "card_error",
        },
        "latest_charge": "ch_3MtHbELkdIwHu7ix1ORDX4KO",
        "livemode": False,
        "metadata": {},
        "status": "requires_payment_method",
        **fields,
    }


def thin_event() -> dict:
    """A thin (v2) event: it names its object instead of carrying it."""
    return {
        "id": "evt_test_65R9Ijk8b4vPNAbEcK7xQ2",
        "object": "v2.core.event",
        "type": "v1.billing.meter.error_report_triggered",
        "livemode": False,
        "created": "2024-09-17T06:20:52.246Z",
        "related_object": {
            "id": "mtr_test_61R9IfwQFEXhgWQyk41HJlwYnMhTmxyW",
            "type": "billing.meter",
            "url": "/v1/billing/meters/mtr_test_61R9IfwQFEXhgWQyk41HJlwYnMhTmxyW",
        },
    }
