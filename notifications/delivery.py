"""Delivering the outbox: claim a row, send it, record the outcome.

Safe to run twice, concurrently, or after dying at any line
(../shared/DJANGO-Q2.md): a worker only sends a message it claimed with a
conditional UPDATE (queued → sending), sends outside any transaction, then
records sent / queued-for-retry / failed. A message whose outcome is unknown
(the connection broke after it was handed over, or its worker died while
sending) is never resent automatically: it is marked failed with that
explanation, for a person to check and retry from the admin.

A drain (`drain_outbox`, woken once per commit that queued messages) leases
due rows in batches, interactive lane first (core.claim_loop): a lease only
sets `claimed_at` on rows still `queued`, so a worker that dies holding one
leaves them unsent and free again after `LEASE`, never marked failed. Each
message is then claimed (queued → sending) by its lease as it is sent.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from core import clock
from core.claim_loop import STUCK_AFTER, Drained, Lanes, claim_batch, drain_lanes, retry_delay
from core.lanes import INTERACTIVE

from .models import Channel, Message, MessageStatus
from .optouts import opt_out_reason
from .transports import transport_for
from .transports.base import OutcomeUnknown, TransportError

logger = logging.getLogger(__name__)

OUTBOX_TASK = "notifications.tasks.drain_outbox"
# How long a drain's batch stays its own: its 30 s budget plus one slow send.
LEASE = timedelta(minutes=2)

NOT_RESENT = (
    "Not resent automatically, to avoid a duplicate: check with the recipient "
    "or the provider's log, and retry it from the admin if it did not arrive."
)


def _free(now: datetime) -> Q:
    """Not leased by a drain (or its lease ran out)."""
    return Q(claimed_at=None) | Q(claimed_at__lt=now - LEASE)


def deliver(message_id: int, lease: datetime | None = None) -> str:
    """Try to deliver one message now; returns its status afterwards.

    Does nothing (and sends nothing) unless this call claims the row: one a
    drain leased at `lease`, or with no lease, one no drain holds.
    """
    now = clock.now()
    held = Q(claimed_at=lease) if lease else _free(now)
    claimed = Message.objects.filter(
        held, pk=message_id, status=MessageStatus.QUEUED, next_attempt_at__lte=now
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


def lease_due_messages(lane: str, limit: int) -> list[tuple[int, datetime]]:
    """Lease up to `limit` due messages of `lane`, oldest first: (message id, lease) each."""
    now = clock.now()
    due = Message.objects.filter(
        _free(now), lane=lane, status=MessageStatus.QUEUED, next_attempt_at__lte=now
    )
    return [(pk, now) for pk in claim_batch(due, ("next_attempt_at", "pk"), limit, claimed_at=now)]


def release_messages(leases: list[tuple[int, datetime]]) -> int:
    """Give back leased messages a drain did not reach: free for the next drain at once."""
    return Message.objects.filter(
        pk__in=[pk for pk, _ in leases], status=MessageStatus.QUEUED, claimed_at=leases[0][1]
    ).update(claimed_at=None)


OUTBOX = Lanes(
    "outbox",
    claim=lease_due_messages,
    work=lambda lease: deliver(*lease),
    release=release_messages,
)


def drain_outbox() -> Drained:
    """A worker's drain: due messages in batches, interactive first (outcomes are statuses)."""
    return drain_lanes(OUTBOX)


def serve_interactive_messages(started: datetime) -> int:
    """Between bulk batches of any queue: deliver the interactive messages that are due."""
    drained = drain_lanes(OUTBOX, lanes=[INTERACTIVE], started=started, serve_others=False)
    return len(drained.outcomes)


def deliver_due() -> int:
    """Deliver every queued message whose attempt is due, interactive first, within one
    drain's budget; returns how many were sent (the reconciler and the tests)."""
    # A killed worker would leave a row in `sending`: the loop stops in time,
    # and what is left is delivered on the next tick.
    return sum(status == MessageStatus.SENT for status in drain_outbox().outcomes)


def release_stuck_messages() -> int:
    """Settle rows whose worker died while sending; returns how many.

    An in-app alert is safe to retry (its inbox row is unique per message).
    An e-mail or SMS may have left before the worker died: it is marked
    failed with that explanation rather than risk a duplicate, and a manager
    can retry it from the admin.
    """
    stuck = Q(status=MessageStatus.SENDING, claimed_at__lt=clock.now() - STUCK_AFTER)
    retried = Message.objects.filter(stuck, channel=Channel.IN_APP).update(
        status=MessageStatus.QUEUED, next_attempt_at=clock.now(), claimed_at=None
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
        claimed_at=None,
    )
    return MessageStatus.QUEUED


def _record(message: Message, status: str, **fields) -> None:
    # Only the claimant writes the outcome: the row must still be ours.
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=status, **fields
    )
