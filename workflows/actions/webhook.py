"""Outbound: call a webhook an admin configured, through the outbox (notifications.webhooks)."""

from django.core.exceptions import ValidationError

from notifications.integration_models import WebhookEndpoint
from notifications.templating import account_url
from notifications.webhooks import EVENT_TYPE_LENGTH, queue_webhook

from .base import StepContext
from .params import Params

DEFAULT_TYPE = "workflow.step"
ENDPOINT_KEY_LENGTH = WebhookEndpoint._meta.get_field("key").max_length


def call_webhook(ctx: StepContext, params: dict) -> str:
    """POST the trigger's event, the account and the run to the endpoint, once per step.

    The payload is what the receiver needs without calling back: the account as it is
    after the earlier steps, and where to open it.
    """
    account = ctx.current_account()
    event_type = params.get("type") or DEFAULT_TYPE
    payload = {
        "event": {
            "kind": ctx.event.kind,
            "key": ctx.event.event_key,
            "occurred_at": ctx.event.created_at,
            "data": ctx.event.data,
        },
        "account": {
            "id": account.external_id,
            "name": account.name,
            "plan": account.plan,
            "mrr": account.mrr,
            "currency": account.currency,
            "health_status": account.health_status,
            "lifecycle": account.lifecycle,
            "score": account.score,
            "owner": account.owner.email if account.owner else None,
            "url": account_url(account),
        },
        "run": {
            "id": ctx.run.pk,
            "workflow": ctx.workflow_name,
            "step": ctx.label or ctx.position,
        },
    }
    message, _ = queue_webhook(
        endpoint_key=params["endpoint"],
        event_type=event_type,
        cause_key=ctx.key,
        cause=ctx.cause,
        account=account,
        payload=payload,
    )
    state = message.get_status_display().lower()
    reason = f" ({message.last_error})" if message.last_error else ""
    return f"Webhook {event_type} to {params['endpoint']}: {state}{reason}."


def check(params: dict) -> None:
    """`endpoint` (an endpoint's key); optionally `type`, the payload's event type."""
    read = Params(params, allowed=["endpoint", "type"])
    read.text("endpoint", max_length=ENDPOINT_KEY_LENGTH, required=True)
    read.text("type", max_length=EVENT_TYPE_LENGTH)
    read.done()


def validate(params: dict) -> None:
    check(params)
    if not WebhookEndpoint.objects.filter(key=params["endpoint"]).exists():
        raise ValidationError(
            f"There is no webhook endpoint {params['endpoint']!r} (the admin's "
            "Notifications › Webhook endpoints lists them)."
        )
