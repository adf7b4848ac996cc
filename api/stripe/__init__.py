"""Stripe webhooks: verified, read into payments and subscriptions, applied once.

signature.py checks `Stripe-Signature`; webhook.py is the endpoint (it refuses
malformed events before anything is written); events.py maps each handled event
type to the domain services; prices.py works out MRR from a subscription's
items; declines.py reads why a payment attempt failed.
"""

from .events import HANDLED_EVENT_TYPES
from .signature import BadSignature, verify_signature
from .webhook import stripe_webhook

__all__ = ["HANDLED_EVENT_TYPES", "BadSignature", "stripe_webhook", "verify_signature"]
