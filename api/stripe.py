"""Stripe-format payment webhooks: verified, mapped to payments and churn, applied once."""

import hashlib
import hmac
import json
import re
import time
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Account, Plan
from accounts.services import cancel_subscription, change_plan
from activity.services.payments import record_payment
from core.causes import Cause

from .batching import Refused
from .inbound import apply_once


class BadSignature(Exception):
    pass


def verify_signature(payload: bytes, header: str, secret: str, *, now: float | None = None) -> None:
    """Check Stripe's `Stripe-Signature` (t=…,v1=…) over the raw body, with its timestamp."""
    if not secret:
        raise BadSignature("Webhooks are not configured (STRIPE_WEBHOOK_SECRET is empty).")
    fields = [item.split("=", 1) for item in header.split(",") if "=" in item]
    timestamps = [value for key, value in fields if key == "t"]
    signatures = [value for key, value in fields if key == "v1"]
    if not timestamps or not signatures or not re.fullmatch(r"[0-9]{1,12}", timestamps[0]):
        raise BadSignature("The Stripe-Signature header is missing or malformed.")
    age = (now or time.time()) - int(timestamps[0])
    if abs(age) > settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS:
        raise BadSignature("The signature's timestamp is outside the tolerance (replayed?).")
    signed = timestamps[0].encode() + b"." + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise BadSignature("The signature does not match the payload.")


def _account(customer_id: str) -> Account:
    account = (
        Account.objects.filter(billing_customer_id=customer_id).first() if customer_id else None
    )
    if account is None:
        # Refused (and retried by Stripe) until the account is linked via the API.
        raise Refused(f"No account has billing customer id {customer_id!r}.")
    return account


def _when(timestamp) -> datetime | None:
    return datetime.fromtimestamp(int(timestamp), tz=UTC) if timestamp else None


def _invoice_paid(invoice: dict, cause: Cause) -> Account:
    account = _account(invoice.get("customer", ""))
    record_payment(
        account=account,
        external_id=invoice.get("charge")
        or invoice.get("payment_intent")
        or f"{invoice['id']}:paid",
        invoice_id=invoice["id"],
        amount=Decimal(invoice.get("amount_paid", 0)) / 100,
        currency=invoice.get("currency", "usd"),
        succeeded=True,
        occurred_at=_when((invoice.get("status_transitions") or {}).get("paid_at")),
        cause=cause,
    )
    return account


def _invoice_failed(invoice: dict, cause: Cause) -> Account:
    account = _account(invoice.get("customer", ""))
    error = invoice.get("last_finalization_error") or {}
    record_payment(
        account=account,
        external_id=f"{invoice['id']}:attempt:{invoice.get('attempt_count', 1)}",
        invoice_id=invoice["id"],
        amount=Decimal(invoice.get("amount_due", 0)) / 100,
        currency=invoice.get("currency", "usd"),
        succeeded=False,
        failure_reason=error.get("message") or error.get("code") or "payment_failed",
        cause=cause,
    )
    return account


def _subscription_deleted(subscription: dict, cause: Cause) -> Account:
    account = _account(subscription.get("customer", ""))
    cancel_subscription(account=account, cause=cause)
    return account


def _subscription_updated(subscription: dict, cause: Cause) -> Account:
    account = _account(subscription.get("customer", ""))
    items = (subscription.get("items") or {}).get("data") or []
    price = (items[0].get("price") or {}) if items else {}
    plan = price.get("lookup_key") or (subscription.get("metadata") or {}).get("plan")
    if plan not in Plan.values:
        raise Refused(f"Plan {plan!r} (price lookup_key or metadata.plan) is not an OpenCSM plan.")
    monthly = Decimal(price.get("unit_amount") or 0) * int(items[0].get("quantity") or 1) / 100
    if (price.get("recurring") or {}).get("interval") == "year":
        monthly = (monthly / 12).quantize(Decimal("0.01"))
    change_plan(account=account, plan=plan, mrr=monthly, cause=cause)
    return account


HANDLERS = {
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.deleted": _subscription_deleted,
    "customer.subscription.updated": _subscription_updated,
}


# Stripe signs the body instead of sending a CSRF token.
@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Receive one Stripe event. 2xx: handled or ignored; 4xx: refused (Stripe retries)."""
    try:
        verify_signature(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        )
    except BadSignature as error:
        return JsonResponse({"detail": str(error)}, status=400)
    try:
        event = json.loads(request.body)
        kind, event_id, obj = event["type"], event["id"], event["data"]["object"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "Not a Stripe event (type, id, data.object)."}, status=400)
    if not isinstance(obj, dict) or not isinstance(event_id, str) or not isinstance(kind, str):
        return JsonResponse({"detail": "Not a Stripe event (type, id, data.object)."}, status=400)
    handler = HANDLERS.get(kind)
    if handler is None:
        return JsonResponse({"status": "ignored", "detail": f"{kind} is not used by OpenCSM."})
    cause = Cause.by_api(f"Stripe {kind} {event_id}")
    try:
        applied = apply_once(
            sender="stripe", event_id=event_id, kind=kind, apply=lambda: handler(obj, cause)
        )
    except (Refused, KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        # A signed event with fields of the wrong shape: refused, never a server error.
        return JsonResponse({"detail": f"Refused: {error}"}, status=422)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=422)
    return JsonResponse({"status": "accepted" if applied else "duplicate"})
