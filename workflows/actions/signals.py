"""Opening a signal (a call to action in the owner's work queue) from any playbook."""

from django.core.exceptions import ValidationError

from workqueue.models import SignalType
from workqueue.services import Found, raise_signals

from .base import StepContext
from .params import LONG_TEXT, Params


def open_signal(ctx: StepContext, params: dict) -> str:
    """Raise a signal of type `reason` on the run's account, once per trigger event: the
    event is the occurrence, so the same event again (a retried run) changes nothing and
    a new one adds to the open signal's history."""
    why = {"trigger": ctx.event.kind}
    if params.get("why"):
        why["note"] = ctx.text(params["why"])
    raised = raise_signals(
        reason=params["reason"],
        found=[Found(ctx.account.pk, f"event:{ctx.event.pk}", why)],
        cause=ctx.cause,
    )
    if raised.opened:
        return f"Signal “{raised.opened[0].title}” opened."
    if raised.repeated:
        return f"Added to the open signal “{raised.repeated[0].title}”."
    return "The signal was already raised for this event (or its type is switched off)."


REASON_LENGTH = SignalType._meta.get_field("reason").max_length


def check(params: dict) -> None:
    """`reason` (a signal type's key); optionally `why`, a text with placeholders."""
    read = Params(params, allowed=["reason", "why"])
    read.text("reason", max_length=REASON_LENGTH, required=True)
    read.text("why", max_length=LONG_TEXT, template=True)
    read.done()


def validate(params: dict) -> None:
    """`check`, then that the signal type exists."""
    check(params)
    if not SignalType.objects.filter(reason=params["reason"]).exists():
        raise ValidationError(
            f"There is no signal type {params['reason']!r} (see Work queue › Signal types).",
            code="unknown_reason",
        )
