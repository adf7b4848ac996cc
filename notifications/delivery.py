"""Delivering the outbox: claim a row, send it, record the outcome.

Safe to run twice, concurrently, or after dying at any line
(../shared/DJANGO-Q2.md): a worker only sends a message it claimed with a
conditional UPDATE (queued → sending), sends outside any transaction, then
records sent / queued-for-retry / failed. A message whose outcome is unknown
(the connection broke after it was handed over, or its worker died while
sending) is never resent automatically: it is marked failed with that
explanation, for a person to check and retry from the admin.
"""

import logging

from django.conf import settings
from django.db.models import F, Q

from core import clock
from core.claim_loop import DUE_BATCH, STUCK_AFTER, drain, retry_delay

from .models import Channel, Message, MessageStatus
from .optouts import opt_out_reason
from .transports import transport_for
from .transports.base import OutcomeUnknown, TransportError

logger = logging.getLogger(__name__)

NOT_RESENT = (
    "Not resent automatically, to avoid a duplicate: check with the recipient "
    "or the provider's log, and retry it from the admin if it did not arrive."
)


def deliver(message_id: int) -> str:
    """Try to deliver one message now; returns its status afterwards.

    Does nothing (and sends nothing) unless this call claims the row.
    """
    now = clock.now()
    claimed = Message.objects.filter(
        pk=message_id, status=MessageStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return Message.objects.filter(pk=message_id).values_list("status", flat=True).first() or ""
    message = Message.objects.select_related("contact", "account__owner").get(pk=message_id)
    reason = _suppression_at_send(message)
    if reason:
        _record(message, MessageStatus.SUPPRESSED, last_error=reason)
        return MessageStatus.SUPPRESSED
    try:
        provider_id = transport_for(message.channel).send(message)
    except OutcomeUnknown as error:
        _record(message, MessageStatus.FAILED, last_error=f"{error} {NOT_RESENT}")
        return MessageStatus.FAILED
    except TransportError as error:
        return _record_failure(message, str(error), permanent=error.permanent)
    except Exception as error:  # a bug in a transport must not leave the row claimed
        logger.exception("Transport crashed on message %s", message.pk)
        return _record_failure(message, f"{type(error).__name__}: {error}", permanent=False)
    _record(
        message, MessageStatus.SENT, sent_at=clock.now(), provider_id=provider_id, last_error=""
    )
    return MessageStatus.SENT


def deliver_due(limit: int = DUE_BATCH) -> int:
    """Deliver every queued message whose attempt is due (oldest first); returns how many sent."""
    due = list(
        Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    # A killed worker would leave a row in `sending`: the loop stops in time,
    # and what is left is delivered on the next tick.
    return sum(status == MessageStatus.SENT for status in drain(due, deliver))


def release_stuck_messages() -> int:
    """Settle rows whose worker died while sending; returns how many.

    An in-app alert is safe to retry (its inbox row is unique per message).
    An e-mail or SMS may have left before the worker died: it is marked
    failed with that explanation rather than risk a duplicate, and a manager
    can retry it from the admin.
    """
    stuck = Q(status=MessageStatus.SENDING, claimed_at__lt=clock.now() - STUCK_AFTER)
    retried = Message.objects.filter(stuck, channel=Channel.IN_APP).update(
        status=MessageStatus.QUEUED, next_attempt_at=clock.now()
    )
    failed = (
        Message.objects.filter(stuck)
        .exclude(channel=Channel.IN_APP)
        .update(
            status=MessageStatus.FAILED,
            last_error="The worker stopped while sending; it may or may not have been "
            f"delivered. {NOT_RESENT}",
        )
    )
    return retried + failed


def _suppression_at_send(message: Message) -> str:
    """Opt-outs that arrived after the message was queued still apply."""
    if message.contact is None:
        return ""
    return opt_out_reason(
        message.contact, channel=message.channel, transactional=message.transactional
    )


def _record_failure(message: Message, error: str, *, permanent: bool) -> str:
    attempts = message.attempts  # already counts this attempt
    if permanent or attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        _record(message, MessageStatus.FAILED, last_error=error)
        return MessageStatus.FAILED
    _record(
        message,
        MessageStatus.QUEUED,
        last_error=error,
        next_attempt_at=clock.now() + retry_delay(attempts),
    )
    return MessageStatus.QUEUED


def _record(message: Message, status: str, **fields) -> None:
    # Only the claimant writes the outcome: the row must still be ours.
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=status, **fields
    )
