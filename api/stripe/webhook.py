"""POST /api/webhooks/stripe: one signed event a request, checked whole before it is applied.

Answers: 200 when handled, ignored (a type OpenCSM does not use, a thin v2
event) or a repeat; 400 when it is not provably Stripe's or not an event;
422 when it cannot be applied (Stripe retries it, e.g. once the customer is
linked). Never a 500 for anything a sender can put in a body.
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.causes import Cause

from ..batching import Refused
from ..inbound import apply_once
from ..models import InboundEvent
from .events import HANDLERS, StripeEvent, timestamp
from .signature import BadSignature, verify_signature

# Deeper than any Stripe object (an expanded invoice is under 10 levels).
MAX_DEPTH = 64
_NOT_AN_EVENT = "Not a Stripe event (type, id, data.object)."


class Malformed(Exception):
    """A signed body that no Stripe event looks like."""


def _check_shape(value: object) -> None:
    """Refuse NUL characters (no database keeps them) and nesting deeper than MAX_DEPTH.

    Walks with its own stack, so a deep body cannot exhaust Python's.
    """
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Malformed(f"The event is nested deeper than {MAX_DEPTH} levels.")
        if isinstance(current, str):
            if "\x00" in current:
                raise Malformed("The event contains a NUL character.")
        elif isinstance(current, dict):
            stack.extend((key, depth) for key in current)
            stack.extend((each, depth + 1) for each in current.values())
        elif isinstance(current, list):
            stack.extend((each, depth + 1) for each in current)


def _parse(body: bytes) -> dict:
    try:
        event = json.loads(body)
    except RecursionError as error:
        raise Malformed(f"The event is nested deeper than {MAX_DEPTH} levels.") from error
    except ValueError as error:
        raise Malformed(_NOT_AN_EVENT) from error
    if not isinstance(event, dict):
        raise Malformed(_NOT_AN_EVENT)
    _check_shape(event)
    return event


def _is_thin(event: dict) -> bool:
    """A thin (v2) event: it names its object (`related_object`) instead of carrying it."""
    return str(event.get("object", "")).startswith("v2.") or (
        "related_object" in event and "data" not in event
    )


def _event(event: dict) -> StripeEvent:
    kind, event_id, data = event.get("type"), event.get("id"), event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not (isinstance(kind, str) and isinstance(event_id, str) and isinstance(obj, dict)):
        raise Malformed(_NOT_AN_EVENT)
    limit = InboundEvent._meta.get_field("event_id").max_length
    if not event_id or len(event_id) > limit:
        raise Malformed(f"The event id must be 1 to {limit} characters.")
    try:
        created = timestamp(event.get("created"))
    except ValueError as error:
        raise Malformed(str(error)) from error
    cause = Cause.by_api(f"Stripe {kind} {event_id}")
    return StripeEvent(id=event_id, kind=kind, created=created, obj=obj, cause=cause)


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
        body = _parse(request.body)
        if _is_thin(body):
            return JsonResponse(
                {"status": "ignored", "detail": "Thin (v2) events are not used by OpenCSM."}
            )
        event = _event(body)
    except Malformed as error:
        return JsonResponse({"detail": str(error)}, status=400)
    handler = HANDLERS.get(event.kind)
    if handler is None:
        return JsonResponse(
            {"status": "ignored", "detail": f"{event.kind} is not used by OpenCSM."}
        )
    try:
        applied = apply_once(
            sender="stripe", event_id=event.id, kind=event.kind, apply=lambda: handler(event)
        )
    except (Refused, KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        # A signed event with fields of the wrong shape: refused, never a server error.
        return JsonResponse({"detail": f"Refused: {error}"}, status=422)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=422)
    return JsonResponse({"status": "accepted" if applied else "duplicate"})
