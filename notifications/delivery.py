"""Delivering the outbox: claim a batch, send it, record the outcomes — set-based.

Safe to run twice, concurrently, or after dying at any line
(../shared/DJANGO-Q2.md): a worker only sends messages it claimed with a
conditional UPDATE (queued → sending), sends outside any transaction, then
records sent / queued-for-retry / failed. A message whose outcome is unknown
(the connection broke after it was handed over, or its worker died while
sending) is never resent automatically: it is marked failed with that
explanation, for a person to check and retry from the admin.

A drain (`drain_outbox`, woken once per commit that queued messages) leases
due rows in batches, interactive lane first (core.claim_loop): a lease only
sets `claimed_at` on rows still `queued`, so a worker that dies holding one
leaves them unsent and free again after `LEASE`, never marked failed. A
leased batch is then delivered as a set (`deliver_batch`), in a constant
number of statements whatever its size: one UPDATE claims the rows the
lease still holds, one SELECT loads them with their contact and account
owner, one checks the opt-outs of all of them, two apply the caps and
quiet hours to the automated ones (notifications.policy: held messages wait,
queued, or are suppressed past their deadline), each channel's transport
sends its share (e-mail over one connection, in-app alerts in one INSERT),
and one UPDATE records every outcome, guarded by the claim. A worker asked
to stop finishes the message in hand and puts the rest back, unattempted.
A worker killed outright mid-batch leaves the batch in `sending`: the
reconciler settles it as for a single message (in-app retried, e-mail and
SMS failed for a person to check), never resending on its own.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, F, Q, Value, When

from core import clock
from core.claim_loop import (
    STUCK_AFTER,
    TIME_BUDGET,
    Drained,
    Lanes,
    claim_batch,
    drain_lanes,
    retry_delay,
)
from core.lanes import INTERACTIVE
from core.worker import time_to_leave

from .models import Channel, Message, MessageStatus
from .optouts import opt_out_reasons
from .policy import Hold, holds, with_workflow
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
# An outcome not reached (the worker is stopping): queued again, this attempt not counted.
PUT_BACK = "put back"

Lease = tuple[int, datetime | None]


def _free(now: datetime) -> Q:
    """Not leased by a drain (or its lease ran out)."""
    return Q(claimed_at=None) | Q(claimed_at__lt=now - LEASE)


def deliver(message_id: int, lease: datetime | None = None) -> str:
    """Try to deliver one message now; returns its status afterwards.

    Does nothing (and sends nothing) unless this call claims the row: one a
    drain leased at `lease`, or with no lease, one no drain holds.
    """
    outcome = deliver_batch([(message_id, lease)])
    if outcome and outcome[0]:
        return outcome[0]
    return Message.objects.filter(pk=message_id).values_list("status", flat=True).first() or ""


def deliver_batch(
    leases: Sequence[Lease],
    started: datetime | None = None,
    budget: timedelta = TIME_BUDGET,
) -> list[str]:
    """Deliver a batch of (message id, lease) now, as a set; each one's status after, in
    order ("" for one this call could not claim), for the messages it reached before
    `budget` since `started` was spent or the worker was asked to stop.

    Claims only rows still queued and due that the lease holds (with no lease: that no
    drain holds), so a message another worker took, or already sent, is not touched.
    """
    started = started or clock.now()
    leases = list(leases)
    if not leases:
        return []
    claim = clock.now()
    held = Q()
    for lease in {lease for _, lease in leases}:
        pks = [pk for pk, held_by in leases if held_by == lease]
        held |= Q(pk__in=pks) & (Q(claimed_at=lease) if lease else _free(claim))
    claimed = Message.objects.filter(
        held, status=MessageStatus.QUEUED, next_attempt_at__lte=claim
    ).update(status=MessageStatus.SENDING, claimed_at=claim, attempts=F("attempts") + 1)
    if not claimed:
        return [""] * len(leases)
    messages = {
        message.pk: message
        for message in with_workflow(
            Message.objects.filter(
                pk__in=[pk for pk, _ in leases], status=MessageStatus.SENDING, claimed_at=claim
            )
        ).select_related("contact", "account__owner")
    }
    ours = [messages[pk] for pk, _ in leases if pk in messages]
    outcomes = {pk: _suppressed(reason) for pk, reason in opt_out_reasons(ours).items()}
    for pk, hold in holds([m for m in ours if m.pk not in outcomes], claim).items():
        outcomes[pk] = _held(hold)
    reached = _send(ours, outcomes, stop=lambda: time_to_leave(started, budget))
    _record_all(outcomes, claim)
    statuses = []
    for pk, _ in leases:
        if pk in messages and messages[pk] not in reached:
            break  # not reached: it and the rest were put back
        statuses.append(outcomes[pk]["status"] if pk in messages else "")
    return statuses


def _send(messages: list[Message], outcomes: dict[int, dict[str, Any]], *, stop) -> set[Message]:
    """Send each message without an outcome yet, in order, each channel through its
    transport's batch (one e-mail connection, one INSERT of alerts); fills in
    `outcomes` and returns the messages reached. Once `stop()` says so, the rest are
    put back."""
    channels: dict[str, Any] = {}
    reached: set[Message] = set()
    for index, message in enumerate(messages):
        if message.pk in outcomes:  # suppressed: nothing to send
            reached.add(message)
            continue
        if stop():
            for rest in messages[index:]:
                outcomes.setdefault(rest.pk, _put_back())
            break
        if message.channel not in channels:
            unsent = [m for m in messages[index:] if m.pk not in outcomes]
            channels[message.channel] = _outcomes_of(
                message.channel, [m for m in unsent if m.channel == message.channel]
            )
        outcomes[message.pk] = _settled(message, next(channels[message.channel]))
        reached.add(message)
    for sending in channels.values():
        sending.close()  # a stopped batch: the transport lets its connection go
    return reached


def _outcomes_of(channel: str, messages: list[Message]):
    """The channel's transport's outcomes for `messages`, one per message whatever
    happens: a transport that breaks down gives the rest its error."""
    try:
        yield from transport_for(channel).send_many(messages)
    except Exception as error:  # a bug in a transport must not leave the rows claimed
        logger.exception("Transport for %s crashed", channel)
        while True:
            yield error


def _settled(message: Message, outcome: str | Exception) -> dict[str, Any]:
    """What to record for one message, from its transport's outcome."""
    if isinstance(outcome, OutcomeUnknown):
        return {"status": MessageStatus.FAILED, "last_error": f"{outcome} {NOT_RESENT}"}
    if isinstance(outcome, TransportError):
        return _failure(message, str(outcome), permanent=outcome.permanent)
    if isinstance(outcome, Exception):
        logger.error("Transport crashed on message %s: %r", message.pk, outcome)
        return _failure(message, f"{type(outcome).__name__}: {outcome}", permanent=False)
    return {
        "status": MessageStatus.SENT,
        "sent_at": clock.now(),
        "provider_id": outcome,
        "last_error": "",
    }


def _suppressed(reason: str) -> dict[str, Any]:
    return {"status": MessageStatus.SUPPRESSED, "last_error": reason}


def _held(hold: Hold) -> dict[str, Any]:
    """The outbox's policy holds it: queued again until `hold.until` (the attempt not
    counted), or suppressed; the reason kept either way."""
    if hold.suppressed:
        return {
            "status": MessageStatus.SUPPRESSED,
            "last_error": hold.reason,
            "held_reason": hold.reason,
        }
    return {
        "status": MessageStatus.QUEUED,
        "next_attempt_at": hold.until,
        "claimed_at": None,
        "attempts": F("attempts") - 1,
        "held_reason": hold.reason,
    }


def _put_back() -> dict[str, Any]:
    """Not attempted after all: queued again, free at once, the attempt not counted."""
    return {
        "status": MessageStatus.QUEUED,
        "claimed_at": None,
        "attempts": F("attempts") - 1,
    }


def _failure(message: Message, error: str, *, permanent: bool) -> dict[str, Any]:
    if message.channel == Channel.WEBHOOK and not permanent:
        return _webhook_failure(message, error)
    # The claim counted this attempt in the row; the loaded instance has it too.
    if permanent or message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        return {"status": MessageStatus.FAILED, "last_error": error}
    return {
        "status": MessageStatus.QUEUED,
        "last_error": error,
        "next_attempt_at": clock.now() + retry_delay(message.attempts),
        "claimed_at": None,
    }


def _webhook_failure(message: Message, error: str) -> dict[str, Any]:
    """A webhook is retried with back-off until its deadline (receivers de-duplicate by
    delivery id, so a retry is safe), the last attempt at the deadline itself."""
    now = clock.now()
    hours = settings.WEBHOOK_DEADLINE_HOURS
    deadline = message.created_at + timedelta(hours=hours)
    if now >= deadline:
        return {
            "status": MessageStatus.FAILED,
            "last_error": f"Given up after {message.attempts} attempts over {hours} "
            f"hour{'s' if hours != 1 else ''}; the last: {error}",
        }
    return {
        "status": MessageStatus.QUEUED,
        "last_error": error,
        "next_attempt_at": min(now + retry_delay(message.attempts), deadline),
        "claimed_at": None,
    }


def _record_all(outcomes: dict[int, dict[str, Any]], claim: datetime) -> int:
    """Write every outcome in one UPDATE, each field a CASE over the rows (rows with the
    same value share a WHEN). Only the claimant writes: the rows must still be ours."""
    if not outcomes:
        return 0
    updates = {}
    for name in {name for fields in outcomes.values() for name in fields}:
        field = Message._meta.get_field(name)
        by_value: dict[Any, list[int]] = {}
        expressions: list[When] = []
        for pk, fields in outcomes.items():
            if name not in fields:
                continue
            value = fields[name]
            if hasattr(value, "resolve_expression"):
                expressions.append(When(pk=pk, then=value))
            else:
                by_value.setdefault(value, []).append(pk)
        whens = [
            When(pk__in=pks, then=Value(value, output_field=field))
            for value, pks in by_value.items()
        ]
        updates[name] = Case(*whens, *expressions, default=F(name), output_field=field)
    return Message.objects.filter(
        pk__in=list(outcomes), status=MessageStatus.SENDING, claimed_at=claim
    ).update(**updates)


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
    work_batch=deliver_batch,
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

    An in-app alert is safe to retry (its inbox row is unique per message), and so is
    a webhook (its receiver de-duplicates by delivery id) and a Slack alert (a repeated
    alert in Slack costs less than a missed escalation).
    An e-mail or SMS may have left before the worker died: it is marked
    failed with that explanation rather than risk a duplicate, and a manager
    can retry it from the admin.
    """
    stuck = Q(status=MessageStatus.SENDING, claimed_at__lt=clock.now() - STUCK_AFTER)
    retryable = [Channel.IN_APP, Channel.WEBHOOK, Channel.SLACK]
    retried = Message.objects.filter(stuck, channel__in=retryable).update(
        status=MessageStatus.QUEUED, next_attempt_at=clock.now(), claimed_at=None
    )
    failed = (
        Message.objects.filter(stuck)
        .exclude(channel__in=retryable)
        .update(
            status=MessageStatus.FAILED,
            last_error="The worker stopped while sending; it may or may not have been "
            f"delivered. {NOT_RESENT}",
        )
    )
    return retried + failed
