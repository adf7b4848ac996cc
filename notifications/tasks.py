"""django-q2 entry points for the outbox: thin, take ids, safe to run twice."""

from core.worker import stop_requested

from . import delivery


def deliver_message(message_id: int) -> str:
    """Deliver one message (enqueued after the commit that wrote it).

    A worker that is stopping leaves it queued for the reconciler.
    """
    if stop_requested():
        return "left queued: the worker is stopping"
    return delivery.deliver(message_id)


def deliver_due_messages() -> str:
    """The outbox reconciler (every minute): retries that are due, rows whose
    wake-up task was lost, and rows a dead worker left in `sending`."""
    released = delivery.release_stuck_messages()
    sent = delivery.deliver_due()
    return f"{sent} sent, {released} released"


def send_due_digests() -> str:
    """The digest sweep (every few minutes): every alert digest whose window has ended."""
    from .digests import send_due_digests as send

    return f"{send()} digests sent"
