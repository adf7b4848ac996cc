"""Stripe's webhook signature (`Stripe-Signature: t=…,v1=…`), checked over the raw body."""

import hashlib
import hmac
import re
import time

from django.conf import settings


class BadSignature(Exception):
    """The request is not provably from Stripe, or is a replay."""


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
