"""django-q2 entry points for the outbox: wake-ups that drain it, safe to run twice.

A task carries no message: the rows are the queue (../shared/DJANGO-Q2.md),
and each task delivers whatever is due, interactive lane first, within one
time budget, then wakes one more drain of itself if messages are left.
"""

from core.queue import wake_on_commit
from core.worker import stop_requested

from . import delivery
from .models import Message

STOPPING = "left queued: the worker is stopping"


def drain_outbox() -> str:
    """Deliver the due messages in batches (woken once per commit that queued some)."""
    if stop_requested():
        return STOPPING
    drained = delivery.drain_outbox()
    if drained.more and not stop_requested():
        wake_on_commit(delivery.OUTBOX_TASK)
    return f"{len(drained.outcomes)} messages tried" + (", more queued" if drained.more else "")


def deliver_message(message_id: int) -> str:
    """A task queued before the outbox was drained: drain (this message among them); the
    message's status. A worker that is stopping leaves it queued for the reconciler."""
    if stop_requested():
        return STOPPING
    drain_outbox()
    return Message.objects.filter(pk=message_id).values_list("status", flat=True).first() or ""


def deliver_due_messages() -> str:
    """The outbox reconciler (every minute): retries that are due, rows whose
    wake-up task was lost, and rows a dead worker left in `sending`."""
    released = delivery.release_stuck_messages()
    sent = delivery.deliver_due()
    return f"{sent} sent, {released} released"
