"""Queuing outbound webhooks: a signed JSON POST to an admin's endpoint, through the outbox.

A delivery is a Message on the webhook channel, recipient `webhook:<endpoint id>`,
unique per (cause, recipient, channel) like every message: one per workflow run and
step, whatever replays. Its body is fixed when it is queued, so every attempt sends
the same bytes with the same delivery id (only the signature's timestamp is new).
The outbox retries it with back-off on 5xx, 408, 429 and time-outs until
`WEBHOOK_DEADLINE_HOURS`, then marks it failed with the last reason.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import Account
from core import clock
from core.causes import Cause

from .integration_models import WebhookEndpoint
from .models import Channel, Message, MessageStatus
from .services import _create_once
from .transports.webhook import RECIPIENT_PREFIX, delivery_id

# What a payload's `type` may be: a receiver switches on it.
EVENT_TYPE_LENGTH = 80


def queue_webhook(
    *,
    endpoint_key: str,
    event_type: str,
    cause_key: str,
    cause: Cause,
    account: Account | None,
    payload: dict[str, Any],
) -> tuple[Message, bool]:
    """Queue one delivery of `payload` to the endpoint called `endpoint_key`.

    Returns (message, created); the same cause for the same endpoint returns the first
    delivery. An endpoint that is switched off gets its delivery kept as suppressed,
    with the reason. Refuses an unknown endpoint before writing anything.
    """
    endpoint = WebhookEndpoint.objects.filter(key=endpoint_key).first()
    if endpoint is None:
        raise ValidationError(
            f"There is no webhook endpoint {endpoint_key!r}.", code="unknown_endpoint"
        )
    recipient = f"{RECIPIENT_PREFIX}{endpoint.pk}"
    delivery = delivery_id(cause_key, recipient)
    body = {
        "id": delivery,
        "type": event_type,
        "created": int(clock.now().timestamp()),
        **payload,
    }
    suppressed = "" if endpoint.active else f"The endpoint {endpoint.key} is switched off."
    return _create_once(
        cause=cause,
        cause_key=cause_key,
        channel=Channel.WEBHOOK,
        recipient=recipient,
        transactional=True,  # no customer reads it: no opt-out, cap or quiet hours
        account=account,
        subject=f"{event_type} to {endpoint.name}"[:200],
        body_text=json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=MessageStatus.SUPPRESSED if suppressed else MessageStatus.QUEUED,
        last_error=suppressed,
    )
